"""What one app worker costs: its peak memory under load, and how long a new one takes to start.

gunicorn loads the app once in its master and forks the workers from it (`preload_app` in
gunicorn.conf.py). The cold start is measured in a fresh process with the server's settings:
the import and `create_app` (what the master pays once, or every worker without preloading),
then the first week page and the first event page (what each new worker pays: templates
compiled, database connected, catalogues read on first use), and its first sign-up against a
later one (statements compiled on first use, the "check your email" page rendered).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_COLD_START = """
import json, time
started = time.perf_counter()
from bench.client import CSRF_FIELD
from bench.wsgi import nclw_app as app
built = time.perf_counter()
client = app.test_client()
assert client.get("/").status_code == 200
week = time.perf_counter()
assert client.get("/events/{slug}").status_code == 200
event = time.perf_counter()


def sign_up(n):
    form = client.get("/events/{slug}/register")
    match = CSRF_FIELD.search(form.data)
    token = (match.group(1) or match.group(2)).decode()
    data = dict(csrf_token=token, first_name="Cold", email=f"cold-start-{{n}}@example.org")
    data["declared_care_experienced"] = "y"
    before = time.perf_counter()
    assert client.post("/events/{slug}/register", data=data).status_code == 200
    return time.perf_counter() - before


first_sign_up = sign_up(1)
later_sign_up = min(sign_up(n) for n in range(2, 7))
print(json.dumps({{
    "import and create_app (the master, once)": built - started,
    "a worker's first week page": week - built,
    "then its first event page": event - week,
    "in all": event - started,
    "its first sign-up (the form's POST)": first_sign_up,
    "a later sign-up (the fastest of five)": later_sign_up,
}}))
"""


def worker_memory(master_pid: int) -> list[dict[str, float]]:
    """Each worker's resident memory now and at its peak (MB), read from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if not children.exists():
        return []
    workers = []
    for pid in children.read_text().split():
        status = Path(f"/proc/{pid}/status")
        if not status.exists():
            continue
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        workers.append(
            {
                "peak_mb": int(fields["VmHWM"].split()[0]) / 1024,
                "now_mb": int(fields["VmRSS"].split()[0]) / 1024,
            }
        )
    return workers


def cold_start(env: dict[str, str], slug: str) -> dict[str, float]:
    """Seconds for a new process to build the app and serve its first pages."""
    result = subprocess.run(
        [sys.executable, "-c", _COLD_START.format(slug=slug)],
        env={**os.environ, **env, "PYTHONPATH": str(PROJECT_ROOT)},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def as_markdown(memory: list[dict[str, float]], start: dict[str, float] | None) -> list[str]:
    """The report's lines on workers."""
    lines = []
    if memory:
        peaks = ", ".join(f"{worker['peak_mb']:.0f} MB" for worker in memory)
        now = ", ".join(f"{worker['now_mb']:.0f} MB" for worker in memory)
        lines.append(
            f"- Peak memory per worker after the page and sign-up runs (VmHWM): {peaks}; "
            f"resident at the end: {now}."
        )
    if start:
        lines.append(
            "- Cold start, in a new process: "
            + ", ".join(f"{name} {seconds * 1000:,.0f} ms" for name, seconds in start.items())
            + "."
        )
    return lines + [""] if lines else []
