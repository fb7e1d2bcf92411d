"""Developer tools run from the project root: `python -m tools.NAME`."""
