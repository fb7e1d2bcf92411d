"""Test servers and flask commands are forked from the launcher, in the environment and
folder asked; a server that sets what a library reads on import is started afresh."""

from __future__ import annotations

import subprocess
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.launcher import ForkedProcess, launcher
from tests.support.live_server import live_server, run_flask
from tests.support.test_support_selfcheck import _TINY_WSGI

pytestmark = pytest.mark.slow  # starts gunicorn

_COMMANDS = textwrap.dedent(
    """
    import os, sys, time
    import click
    from flask import Flask

    app = Flask(__name__)

    @app.cli.command("report")
    @click.option("--status", type=int, default=0)
    @click.option("--wait", type=float, default=0)
    def report(status, wait):
        print(os.environ.get("GREETING", "?"), os.getppid(), os.getcwd())
        print("to the error stream", file=sys.stderr)
        time.sleep(wait)
        raise SystemExit(status)
    """
)


def _answer(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_a_server_is_forked_with_its_own_environment_folder_and_status(tmp_path: Path):
    (tmp_path / "tinywsgi.py").write_text(_TINY_WSGI)
    with live_server({"GREETING": "launcher"}, app="tinywsgi:app", cwd=tmp_path) as server:
        process = server._proc
        assert isinstance(process, ForkedProcess)
        assert _answer(server.url).startswith("hello launcher from ")
        # Its own folder: the app was imported from it, and gunicorn runs in it.
        assert Path(f"/proc/{server.pid}/cwd").resolve() == tmp_path.resolve()
    # Stopped by SIGTERM, it exits as gunicorn does, with status 0.
    assert process.returncode == 0


def test_a_server_with_its_own_metrics_folder_is_started_afresh(tmp_path: Path):
    (tmp_path / "tinywsgi.py").write_text(_TINY_WSGI)
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with live_server(env, app="tinywsgi:app", cwd=tmp_path) as server:
        assert isinstance(server._proc, subprocess.Popen)
        assert _answer(server.url).startswith("hello ? from ")


def test_a_flask_command_is_forked_with_its_environment_folder_output_and_status(
    tmp_path: Path,
):
    (tmp_path / "commands.py").write_text(_COMMANDS)
    done = run_flask(["report"], {"GREETING": "launcher"}, app="commands", cwd=tmp_path)
    greeting, parent, folder = done.stdout.split()
    assert greeting == "launcher"
    assert int(parent) == launcher()._process.pid, "not forked from the launcher"
    assert Path(folder).resolve() == tmp_path.resolve()
    # The two streams apart, as subprocess.run gives them.
    assert done.stderr == "to the error stream\n"
    assert done.returncode == 0
    with pytest.raises(RuntimeError, match=r"status 3\n(.|\n)*to the error stream"):
        run_flask(["report", "--status", "3"], app="commands", cwd=tmp_path)


def test_a_flask_command_that_runs_too_long_is_stopped(tmp_path: Path):
    (tmp_path / "commands.py").write_text(_COMMANDS)
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_flask(["report", "--wait", "60"], app="commands", cwd=tmp_path, timeout=1)
    assert time.monotonic() - started < 15
