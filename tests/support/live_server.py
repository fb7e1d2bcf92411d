"""Run the real app under gunicorn, and the flask CLI, each in a process of its own."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

from tests.support.launcher import ForkedProcess, can_start, launcher
from tests.support.net import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Set by the test run (tests/conftest.py): fork servers and flask commands from an app
# already imported (tests/support/launcher.py) instead of starting a new Python for each.
# Off elsewhere.
FORK_FROM_LAUNCHER = False
# Not resolved: the venv's python may be a symlink and the scripts live next to the link.
VENV_BIN = Path(sys.executable).parent


def venv_script(name: str) -> Path:
    """Return the path of a console script installed in the running interpreter's venv."""
    path = VENV_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; is the dev environment installed?")
    return path


@cache
def _gunicorn_has_option(option: str) -> bool:
    out = subprocess.run(
        [str(venv_script("gunicorn")), "--help"], capture_output=True, text=True, check=False
    ).stdout
    return option in out


def _child_env(env: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, **(env or {})}


class LiveServer:
    """A gunicorn process serving `wsgi:app`; use `live_server()` to get one."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        extra_args: Sequence[str] = (),
        host: str = "127.0.0.1",
        app: str = "wsgi:app",
        cwd: Path = PROJECT_ROOT,
        run_as: Sequence[str] = (),
        port: int | None = None,
    ) -> None:
        """`run_as` goes before the command, to run it with other rights (setpriv ...) or
        on another network host (ip netns exec ...), which then names its `port`."""
        self.host = host
        self.cwd = cwd
        self._workers = workers
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self._env = _child_env(env)
        self._run_as = tuple(run_as)
        self._args = [
            *run_as,
            str(venv_script("gunicorn")),
            "--bind",
            f"{host}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            *extra_args,
        ]
        # gunicorn 23+ otherwise opens a control socket in $HOME, shared between runs.
        if _gunicorn_has_option("--no-control-socket"):
            self._args.append("--no-control-socket")
        self._args.append(app)
        self._log: IO[bytes] | None = None
        self._proc: subprocess.Popen[bytes] | ForkedProcess | None = None

    def start(self, timeout: float = 20.0) -> None:
        """Start gunicorn and wait until it answers HTTP, or raise with its log."""
        # A file rather than a pipe: a full pipe would block the server mid-test.
        self._log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log")  # noqa: SIM115 - closed in stop()
        if FORK_FROM_LAUNCHER and not self._run_as and can_start(self._env):
            # Forked from a process that has imported the app already (tests/support/launcher.py).
            self._proc = launcher().start(self._args[1:], self._env, self.cwd, self._log.name)
        else:
            self._proc = subprocess.Popen(
                self._args,
                cwd=self.cwd,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                log = self.log()
                code = self._proc.returncode
                self.stop()
                raise RuntimeError(f"gunicorn exited with status {code} while starting:\n{log}")
            if self._answers_http():
                return
            # Workers that exit via SystemExit are respawned forever instead of halting gunicorn.
            if self.log().count("exited with code") > 2 * self._workers:
                log = self.log()
                self.stop()
                raise RuntimeError(f"gunicorn workers keep dying while starting:\n{log}")
            if time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"gunicorn did not answer HTTP within {timeout}s:\n{log}")
            time.sleep(0.1)

    def _answers_http(self) -> bool:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=2)
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            conn.close()

    def log(self) -> str:
        """Return everything gunicorn and the app wrote to stdout/stderr so far."""
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    @property
    def pid(self) -> int | None:
        """Return the gunicorn master's process id while it runs."""
        return None if self._proc is None else self._proc.pid

    def stop(self, timeout: float = 15.0) -> None:
        """Shut gunicorn down gracefully (SIGTERM), killing it after `timeout` seconds."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
                try:
                    self._proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._proc = None
        if self._log is not None:
            Path(f"{self._log.name}.status").unlink(missing_ok=True)  # a forked server's
            self._log.close()
            self._log = None

    def __repr__(self) -> str:
        return f"<LiveServer {self.url} pid={self.pid}>"


@contextmanager
def live_server(
    env: Mapping[str, str] | None = None,
    workers: int = 2,
    *,
    worker_class: str = "sync",
    threads: int = 1,
    extra_args: Sequence[str] = (),
    timeout: float = 20.0,
    app: str = "wsgi:app",
    cwd: Path = PROJECT_ROOT,
    run_as: Sequence[str] = (),
) -> Iterator[LiveServer]:
    """Serve `app` (default `wsgi:app`) under gunicorn on a free loopback port for the block."""
    server = LiveServer(
        env,
        workers=workers,
        worker_class=worker_class,
        threads=threads,
        extra_args=extra_args,
        app=app,
        cwd=cwd,
        run_as=run_as,
    )
    server.start(timeout)
    try:
        yield server
    finally:
        server.stop()


def run_flask(
    args: Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
    *,
    app: str = "wsgi",
    cwd: Path = PROJECT_ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run `flask --app wsgi ARGS` from the project root; raise with its output on failure.

    In the test run it is forked from the launcher like the servers (a command took about
    0.8 s to import before it did anything); it is still a process of its own."""
    cmd = [str(venv_script("flask")), "--app", app, *args]
    child_env = _child_env(env)
    if FORK_FROM_LAUNCHER and can_start(child_env):
        result = _forked_flask(cmd, child_env, cwd, timeout)
    else:
        result = subprocess.run(
            cmd,
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed with status {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def _forked_flask(
    cmd: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """`cmd` forked from the launcher, waited for and read as `subprocess.run` would."""
    with (
        tempfile.NamedTemporaryFile(prefix="flask-", suffix=".out") as out,
        tempfile.NamedTemporaryFile(prefix="flask-", suffix=".err") as err,
    ):
        process = launcher().start(cmd[1:], env, cwd, out.name, program="flask", err=err.name)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        finally:
            Path(f"{out.name}.status").unlink(missing_ok=True)
        return subprocess.CompletedProcess(
            list(cmd),
            process.returncode,
            Path(out.name).read_text("utf-8", "replace"),
            Path(err.name).read_text("utf-8", "replace"),
        )
