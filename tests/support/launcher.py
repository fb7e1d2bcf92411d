"""Start the tests' gunicorn servers and flask commands from a process that has already
imported the app.

A new gunicorn or `flask` spent about 0.8 s importing Python, Flask, SQLAlchemy and our
modules before it did anything, and the suite starts some seventy servers and eighty
commands. The launcher is one process per test process that imports all of that once and
then forks a process for each request: the same command line, environment, folder and
output files as a subprocess would have, and the process builds its app from that
environment exactly as before (only the import of the code is shared, as gunicorn's own
`preload_app` shares it with its workers). A forked process is a real process: a server
listens on a real port; each takes signals and exits with its status.

`LiveServer` and `run_flask` use it when the test run turns it on (tests/conftest.py); a
server with `run_as` (another user or network namespace) is started as a subprocess, as is
everything outside the tests (make bench).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import json
import os
import pkgutil
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

_STATUS_SUFFIX = ".status"
# Settings a library reads once, when it is imported: a server or command that sets one other
# than this process has them is started afresh (prometheus_client picks its multi-process mode so).
READ_ON_IMPORT = ("PROMETHEUS_MULTIPROC_DIR",)


@functools.cache
def _pidfds() -> bool:
    """Whether this system follows a process it did not start (Linux 5.3 and later)."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def can_start(env: Mapping[str, str]) -> bool:
    """Whether a server or command with `env` can be forked from the launcher, which
    imported everything with the environment it was started with (this process's, if not
    yet). Elsewhere than Linux, never: they are then started afresh, as before."""
    if not _pidfds():
        return False
    imported_with = _launcher.environment if _launcher is not None else os.environ
    names = {*READ_ON_IMPORT, *(n for n in {*env, *imported_with} if n.startswith("PYTHON"))}
    return all(env.get(name) == imported_with.get(name) for name in names)


# --------------------------------------------------------------------- the launcher process


def _preload() -> None:
    """Import what a server or command imports, without building an app (that needs its
    settings).

    Not gunicorn: its settings take their defaults (the folder to run in) when imported.
    """
    import nclw

    for module in pkgutil.walk_packages(nclw.__path__, "nclw."):
        importlib.import_module(module.name)


class _Reaper:
    """Collect each forked process's exit and write its status beside its log.

    A process's log (known when it is forked) and its status (known when it is reaped) may
    come in either order: whichever comes second writes the status file.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.halves: dict[int, dict] = {}

    def meet(self, pid: int, **half) -> None:
        with self.lock:
            other = self.halves.pop(pid, None)
            if other is None:
                self.halves[pid] = half
                return
        both = {**other, **half}
        part = f"{both['log']}{_STATUS_SUFFIX}.part"
        Path(part).write_text(str(both["code"]))
        os.replace(part, f"{both['log']}{_STATUS_SUFFIX}")

    def run(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:  # nothing forked is running just now
                time.sleep(0.02)
                continue
            self.meet(pid, code=os.waitstatus_to_exitcode(status))


def _run_program(program: str) -> None:
    """What the console script `program` runs: gunicorn's, or flask's (`flask --app ...`)."""
    if program == "gunicorn":
        from gunicorn.app.wsgiapp import run

        run()
    elif program == "flask":
        from flask.cli import main

        main()
    else:
        raise ValueError(f"the launcher runs gunicorn or flask, not {program!r}")


def _run_in_child(request: dict) -> None:
    """In the forked child: become `PROGRAM ARGS` in the folder and environment asked, its
    output in the files asked (standard error with standard output unless told apart)."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        err = request.get("err")
        errors = os.open(err, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if err else log
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(errors, 2)
        os.closerange(3, 4096)
        program = request.get("program", "gunicorn")
        _name_process(program)
        sys.argv = [program, *request["args"]]
        try:
            _run_program(program)
            code = 0
        except SystemExit as stop:
            # As the interpreter ends on one: a number is the status; anything else is
            # printed, with status 1.
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                code = 1
    except BaseException:  # noqa: BLE001 - said in the log, and the status says it failed
        traceback.print_exc()
    finally:
        # As the interpreter's own exit would: the app's exit handlers (wsgi.py closes its
        # database connections), then the streams; never back into the launcher's loop.
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _name_process(name: str) -> None:
    """Name this process as `ps`, `top` and process accounting show it (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(name[:15])


def main() -> None:
    _name_process("test-launcher")
    _preload()
    reaper = _Reaper()
    threading.Thread(target=reaper.run, daemon=True).start()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _run_in_child(request)
        reaper.meet(pid, log=request["log"])
        print(json.dumps({"pid": pid}), flush=True)


# ----------------------------------------------------------------- the test process's side


class ForkedProcess:
    """What `LiveServer` and `run_flask` need of a process they did not start themselves
    (a Popen's poll, wait, send_signal, kill, pid and returncode)."""

    def __init__(self, pid: int, log: str) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._status = Path(f"{log}{_STATUS_SUFFIX}")
        try:
            self._exited: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # gone already: its status is on its way
            self._exited = None

    def _has_exited(self, timeout: float | None) -> bool:
        if self._exited is None:
            return True
        return bool(select.select([self._exited], [], [], timeout)[0])

    def poll(self) -> int | None:
        if self.returncode is None and self._has_exited(0):
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._has_exited(timeout):
                raise subprocess.TimeoutExpired(f"gunicorn (pid {self.pid})", timeout or 0)
            self._collect()
        assert self.returncode is not None
        return self.returncode

    def _collect(self) -> None:
        # The launcher writes the status a moment after the process ends.
        deadline = time.monotonic() + 10
        while not self._status.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        self.returncode = int(self._status.read_text()) if self._status.exists() else -1
        if self._exited is not None:
            os.close(self._exited)
            self._exited = None

    def send_signal(self, signal_number: int) -> None:
        if self.returncode is None and self._exited is not None:
            signal.pidfd_send_signal(self._exited, signal_number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Launcher:
    """This test process's launcher, started on first use."""

    def __init__(self) -> None:
        self.environment = dict(os.environ)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.launcher"],
            cwd=Path(__file__).resolve().parents[2],
            env=self.environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()
        if not ready:
            raise RuntimeError("the test launcher did not start")
        self._lock = threading.Lock()
        atexit.register(self.close)

    def start(
        self,
        args: Sequence[str],
        env: Mapping[str, str],
        cwd: Path,
        log: str,
        *,
        program: str = "gunicorn",
        err: str | None = None,
    ) -> ForkedProcess:
        """Fork `program ARGS` (gunicorn or flask); its output goes to `log`, and its
        standard error to `err` if given."""
        request = {"program": program, "args": list(args), "env": dict(env), "cwd": str(cwd)}
        request |= {"log": log, "err": err}
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError("the test launcher has stopped")
        return ForkedProcess(json.loads(answer)["pid"], log)

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


_launcher: Launcher | None = None
_launcher_lock = threading.Lock()


def launcher() -> Launcher:
    global _launcher
    with _launcher_lock:
        if _launcher is None:
            _launcher = Launcher()
        return _launcher


if __name__ == "__main__":
    main()
