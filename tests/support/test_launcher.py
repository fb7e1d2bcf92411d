"""Test servers are forked from the launcher, in the environment and folder asked; a server
that sets what a library reads on import is started afresh."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.support.launcher import ForkedServer
from tests.support.live_server import live_server
from tests.support.test_support_selfcheck import _TINY_WSGI

pytestmark = pytest.mark.slow  # starts gunicorn


def _answer(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_a_server_is_forked_with_its_own_environment_folder_and_status(tmp_path: Path):
    (tmp_path / "tinywsgi.py").write_text(_TINY_WSGI)
    with live_server({"GREETING": "launcher"}, app="tinywsgi:app", cwd=tmp_path) as server:
        process = server._proc
        assert isinstance(process, ForkedServer)
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
