"""The README's commands work as written: every `flask …` it shows is a real command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _flask_commands() -> list[str]:
    # A code span may wrap onto the next line; Markdown reads the line break as a space.
    text = re.sub(r"^```.*?^```", "", README.read_text(), flags=re.MULTILINE | re.DOTALL)
    spans = (" ".join(span.split()) for span in re.findall(r"`([^`]+)`", text))
    return sorted({span for span in spans if re.match(r"(\.venv/bin/)?flask ", span)})


def test_the_readme_shows_the_commands_an_operator_needs():
    commands = " ".join(_flask_commands())
    for needed in ("db upgrade", "create-organiser", "send-mail", "send-reminders", "purge"):
        assert needed in commands, needed


@pytest.mark.parametrize("command", _flask_commands())
def test_each_flask_command_in_the_readme_exists(command, tmp_path, monkeypatch):
    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("NCLW_ENV", "development")
    monkeypatch.setenv("NCLW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'readme.sqlite'}")
    words = shlex.split(command)[1:]
    assert words[:2] == ["--app", "wsgi"], f"{command!r}: say which app, as the others do"
    # --help stops each command before it acts: this checks the words, not the work.
    result = CliRunner().invoke(cli, [*words, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, f"{command!r}:\n{result.output}"
    assert "Usage:" in result.output
    assert "No such command" not in result.output
