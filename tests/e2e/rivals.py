"""Rivals for the control runs' deliberately racy apps: a request that counted and saw room
waits, before it writes, until a rival has counted too, so the race the proofs must catch
happens in every run rather than only when the machine's timing allows.

A fixed pause left it to timing: on a loaded machine a control run once found every slot's
rivals more than the pause apart, and nothing to catch. The requests are in separate gunicorn
workers that share nothing but the database and the disk, so each count leaves a note, a file
named after what it counted and when (CLOCK_MONOTONIC, the same for every process).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

# At most this long. Waiting for a rival after me, the last to find room in a run always
# waits this long (no one after it finds room), so that wait is shorter.
WAIT_SECONDS = 3.0
WAIT_AFTER_ME_SECONDS = 1.5


def counted(folder: Path, key: str) -> int:
    """Note that a request counted `key` and saw room; the moment it did."""
    folder.mkdir(parents=True, exist_ok=True)
    moment = time.monotonic_ns()
    (folder / f"{key}-{moment:020d}-{os.getpid()}-{uuid.uuid4().hex}").touch()
    return moment


def wait_for_a_rival(folder: Path, key: str, moment: int, *, after_me: bool) -> None:
    """Wait until another request has also counted `key` and seen room (`after_me`: since
    this one's `moment`, while this one has not yet written), or a few seconds pass."""
    deadline = time.monotonic() + (WAIT_AFTER_ME_SECONDS if after_me else WAIT_SECONDS)
    while time.monotonic() < deadline:
        moments = [int(note.name.split("-")[-3]) for note in folder.glob(f"{key}-*")]
        rivals = [m for m in moments if m > moment] if after_me else moments[1:]
        if rivals:
            return
        time.sleep(0.01)
