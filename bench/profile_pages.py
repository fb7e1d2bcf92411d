"""CPU per request for the week page with and without its caches, in-process.

No server and no load generator: CPU time of this process only, so the figures hold on a
busy machine. The bare Flask "hello" is measured the same way for comparison.
"""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

from werkzeug.test import EnvironBuilder


def _call(app, headers: dict[str, str] | None = None, path: str = "/") -> str:
    environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return statuses[0]


def _etag(app) -> str:
    environ = EnvironBuilder(path="/").get_environ()
    headers = []
    body = app(environ, lambda status, sent, exc_info=None: headers.extend(sent))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return dict(headers)["ETag"]


def _cpu_ms(call, count: int) -> float:
    for _ in range(20):
        call()
    started = time.process_time()
    for _ in range(count):
        call()
    return (time.process_time() - started) / count * 1000


def week_page_modes(url: str, workdir: Path, count: int = 300) -> dict[str, float]:
    """CPU ms per request: bare Flask, and the week page through each cache layer."""
    from bench.hello import hello
    from bench.run import app_for

    app = app_for(url, workdir)
    app.config["TESTING"] = False
    cookie = {"Cookie": "visited=1"}  # any cookie skips the shortcut
    etag = _etag(app)
    results = {
        "bare Flask hello": _cpu_ms(lambda: _call(hello), count),
        "week page, cookie-less (shortcut)": _cpu_ms(lambda: _call(app), count),
        # A reader whose copy is current: the same stamp query, then a 304 with no body.
        "week page, 304 (shortcut)": _cpu_ms(lambda: _call(app, {"If-None-Match": etag}), count),
        "week page, with a cookie (view cache)": _cpu_ms(lambda: _call(app, cookie), count),
    }
    with mock.patch("nclw.events.views.page_is_shared", return_value=False):
        results["week page, no cache"] = _cpu_ms(lambda: _call(app, cookie), count // 3)
    if _call(app) != "200 OK":
        raise RuntimeError("the week page did not answer 200")
    return results


def as_markdown(results: dict[str, float]) -> list[str]:
    """A small table, with each row's cost relative to bare Flask."""
    hello = results["bare Flask hello"]
    lines = [
        "| In-process, CPU per request | ms | bare Flask ÷ this |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {ms:.2f} | {hello / ms:.0%} |" for name, ms in results.items()]
    return lines
