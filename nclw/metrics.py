"""The counters an operator's Prometheus scrapes: defined once, counted where things happen.

Under gunicorn each worker is its own process. With PROMETHEUS_MULTIPROC_DIR set (to an
empty folder, before the app starts) prometheus-client writes every worker's counts there
and the scrape adds them up, so a scrape answered by one worker speaks for all of them.
Without it the counts are this process's own, which is right for `flask run` and tests.

Labels never carry a person's details: an endpoint is a route's name, never its path (a
path can hold a ticket's token).
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

REQUESTS = Counter(
    "nclw_http_requests",
    "Requests answered, by route name, method and status code.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "nclw_http_request_duration_seconds",
    "Time to answer a request, by route name.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
RATE_LIMIT_REFUSALS = Counter(
    "nclw_rate_limit_refusals",
    "Requests refused because a rate limit was reached, by route name.",
    ["endpoint"],
)
CACHE_LOOKUPS = Counter(
    "nclw_render_cache_lookups",
    "Lookups in a render cache, by cache and result (hit or miss).",
    ["cache", "result"],
)


def multiprocess_folder() -> str | None:
    """The folder the workers share their counts through, when there is one."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def count_cache_lookup(cache: str, *, hit: bool) -> None:
    """One lookup in a render cache (the week page's, the event page's)."""
    child(CACHE_LOOKUPS, cache, "hit" if hit else "miss").inc()


_CHILDREN: dict[tuple, Any] = {}


def child(metric, *labels: str):
    """`metric.labels(*labels)`, looked up once: a kept page is answered in well under a
    millisecond, and finding the child each time is a noticeable part of that. The labels
    are route names, methods, statuses and cache names, so there are few of them."""
    key = (id(metric), labels)
    found = _CHILDREN.get(key)
    if found is None:
        found = _CHILDREN[key] = metric.labels(*labels)
    return found


def exposition(*extra_collectors) -> bytes:
    """Every metric in Prometheus's text format, with `extra_collectors` read now.

    The extra collectors (figures read from the database at scrape time) are the same in
    every process, so they are added once here rather than written by each worker.
    """
    registry = CollectorRegistry(auto_describe=True)
    folder = multiprocess_folder()
    if folder:
        _multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        registry.register(_ThisProcess())
    for collector in extra_collectors:
        registry.register(collector)
    return generate_latest(registry)


class _ThisProcess:
    """This process's own counts (prometheus-client's default registry) as one collector."""

    def collect(self):
        return REGISTRY.collect()


def mark_worker_gone(pid: int) -> None:
    """Tell the shared folder a gunicorn worker has exited (its gauges stop counting)."""
    if multiprocess_folder():
        _multiprocess.mark_process_dead(pid)
