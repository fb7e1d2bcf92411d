"""The burst's asyncio runner works wherever the bench or a test calls it."""

from __future__ import annotations

import asyncio
import threading

from bench.burst import run_async


async def _answer() -> int:
    await asyncio.sleep(0)
    return 5


def test_it_runs_with_no_event_loop():
    assert run_async(_answer) == 5


def test_it_runs_inside_a_running_event_loop():
    # As in a test process where a browser test (Playwright's sync API) ran first. The loop
    # is started in a thread of the test's own: where a browser test did run first, this
    # thread already has one running, and asyncio.run would refuse to start another.
    async def inside() -> int:
        return run_async(_answer)

    results: list[int] = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside())))
    thread.start()
    thread.join(timeout=30)
    assert results == [5]
