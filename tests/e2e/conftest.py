"""Fixtures for the browser tests."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from tests.e2e.demo_site import load_demo_week


@pytest.fixture(scope="session")
def demo_week(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo week, migrated and loaded once per run; each site serves its own copy.

    Under pytest-xdist the workers share one: the first to need it loads it while the others
    wait on a lock in the run's common temporary folder.
    """
    if worker_id == "master":
        return load_demo_week(tmp_path_factory.mktemp("demo-week"))
    shared = tmp_path_factory.getbasetemp().parent / "demo-week"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        database = shared / "demo.sqlite"
        ready = shared / "ready"
        if not ready.exists():
            load_demo_week(shared)
            ready.touch()
        return database
