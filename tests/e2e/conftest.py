"""Fixtures for the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.demo_site import load_demo_week


@pytest.fixture(scope="session")
def demo_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo week, migrated and loaded once per session; each site serves its own copy."""
    return load_demo_week(tmp_path_factory.mktemp("demo-week"))
