"""The week page through nginx's micro-cache against nginx serving the same bytes as a file.

The target (issue 21): the week page at least 80% of the static file's requests per second,
both measured with wrk in the same run, against the same nginx (deploy/nginx.conf).
"""

from __future__ import annotations

import os
import statistics
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench.run import run_wrk
from tests.deploy.nginx import RunningNginx


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:  # noqa: S310 - our own server
        return response.read()


def _cache_statuses(access_log: Path, offset: int) -> dict[str, int]:
    """How the requests logged after `offset` were answered (HIT: from nginx's cache)."""
    with access_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    return dict(Counter(line.rsplit("cache=", 1)[-1] or "none" for line in lines))


def _logged_statuses(access_log: Path, offset: int) -> dict[str, int]:
    # nginx writes its log at least once a second (deploy/nginx.conf): wait for the last.
    time.sleep(1.5)
    return _cache_statuses(access_log, offset)


def week_against_static(
    wrk: str, nginx: RunningNginx, static: Path, *, runs: int, seconds: int, connections: int
) -> dict:
    """The week page through nginx against the same bytes served by nginx as a static file,
    each measured `runs` times with wrk, interleaved so drift in the machine hits both."""
    page = _get(nginx.url + "/")
    (static / "week-copy.html").write_bytes(page)
    targets = {"week": "/", "static file": "/static/week-copy.html"}
    assert _get(nginx.url + targets["static file"]) == page
    access_log = nginx.folder / "access.log"
    offset = access_log.stat().st_size
    measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in targets}

    def once(path: str, length: int) -> tuple[float, float, float]:
        return run_wrk(
            wrk,
            nginx.url + path,
            seconds=length,
            connections=connections,
            server_pid=nginx.pid,
        )

    for path in targets.values():  # warm: the page kept, the file in the page cache
        once(path, 1)
    for _ in range(runs):
        for name, path in targets.items():
            rate, p99, cpu_ms = once(path, seconds)
            measured[name].append((rate, p99, cpu_ms))
            print(
                f"  wrk {name}: {rate:,.0f} req/s, p99 {p99 * 1000:.1f} ms, "
                f"nginx CPU {cpu_ms * 1000:.0f} µs/request, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    week = statistics.median(rate for rate, _, _ in measured["week"])
    static_rate = statistics.median(rate for rate, _, _ in measured["static file"])
    week_cpu = statistics.median(cpu for _, _, cpu in measured["week"])
    static_cpu = statistics.median(cpu for _, _, cpu in measured["static file"])
    return {
        "bytes": len(page),
        "connections": connections,
        "runs": runs,
        "seconds": seconds,
        "week_rate": round(week),
        "static_rate": round(static_rate),
        "ratio": round(week / static_rate, 3),
        "week_p99_ms": round(statistics.median(p for _, p, _ in measured["week"]) * 1000, 1),
        "static_p99_ms": round(
            statistics.median(p for _, p, _ in measured["static file"]) * 1000, 1
        ),
        "week_nginx_cpu_us": round(week_cpu * 1000),
        "static_nginx_cpu_us": round(static_cpu * 1000),
        # nginx's CPU per request, the file's against the page's: unlike requests per second,
        # it barely moves with what else the machine is doing.
        "cpu_ratio": round(static_cpu / week_cpu, 3),
        # The static file is not logged (deploy/nginx.conf): these are the week page's.
        "week_cache_statuses": _logged_statuses(access_log, offset),
    }
