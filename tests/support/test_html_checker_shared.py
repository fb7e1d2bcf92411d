"""The run's processes share one HTML checker server (tests/support/html_validation.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ci import unavailable
from tests.support.html_validation import html_errors, java_available, stop_shared
from tests.support.live_server import PROJECT_ROOT
from tests.support.net import port_open

PAGE = "<!DOCTYPE html><html lang=en><head><title>t</title></head><body><p>x</p></body></html>"

# Another process of the run: it takes the server the first one left in the run's folder.
OTHER_PROCESS = """
import json, sys
from pathlib import Path
from tests.support import html_validation
html_validation.share_in(Path(sys.argv[1]))
assert html_validation.html_errors(sys.argv[2]) == []
print(json.dumps({"url": html_validation._server.url}))
"""


@pytest.mark.slow  # starts a second Python process
def test_a_second_process_of_the_run_uses_the_first_ones_checker():
    ok, reason = java_available()
    if not ok:
        unavailable(reason)
    assert html_errors(PAGE) == []
    folder = Path(os.environ["NCLW_TEST_HTML_CHECKER"])
    shared = json.loads((folder / "checker.json").read_text())
    before = _java_processes()
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(folder), PAGE],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(other.stdout)["url"] == f"http://127.0.0.1:{shared['port']}/?out=json"
    assert _java_processes() == before, "the other process started a checker of its own"


def _java_processes() -> set[str]:
    found = subprocess.run(["pgrep", "-x", "java"], capture_output=True, text=True)
    return set(found.stdout.split())


EARLY_START = """
import sys
from pathlib import Path
from tests.support import html_validation
html_validation.start_shared_early(Path(sys.argv[1]))
"""


@pytest.mark.slow
def test_a_checker_started_early_is_waited_for_not_started_twice(tmp_path):
    ok, reason = java_available()
    if not ok:
        unavailable(reason)
    run = {"cwd": PROJECT_ROOT, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run([sys.executable, "-c", EARLY_START, str(tmp_path)], check=True, **run)
        started = json.loads((tmp_path / "checker.json").read_text())
        assert not port_open("127.0.0.1", started["port"]), "the early start waited for Java"
        before = _java_processes()
        assert str(started["pid"]) in before
        other = subprocess.run(
            [sys.executable, "-c", OTHER_PROCESS, str(tmp_path), PAGE], check=True, **run
        )
        assert json.loads(other.stdout)["url"] == f"http://127.0.0.1:{started['port']}/?out=json"
        assert _java_processes() == before, "the other process started a checker of its own"
    finally:
        stop_shared(tmp_path)
