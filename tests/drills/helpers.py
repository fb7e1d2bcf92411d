"""What the fault drills share: a burst of real sign-ups, what the database holds, the figures.

Each drill runs the real app under gunicorn against a database of its own (other processes
use it), breaks one part while people sign up, and then counts, per drill: the sign-ups
sent, the 5xx answers, sign-ups lost (told to check their email, but nothing saved or no
email) and duplicated (two live places, or two emails, for one address).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.addresses import normalise_email
from nclw.registrations import lost_tickets
from tests.e2e.signup_storm import Attempt
from tests.support.ci import unavailable
from tests.support.net import free_port, wait_for_port

CHECK_EMAIL = "Check your email"


def sa_url(database_url: str) -> str:
    """The URL as SQLAlchemy wants it (the psycopg driver for PostgreSQL)."""
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url


@dataclass
class SignUp:
    """One person's sign-up in a burst, and when it was posted and answered (monotonic)."""

    attempt: Attempt
    posted_at: float = 0.0
    answered_at: float = 0.0

    @property
    def email(self) -> str:
        return normalise_email(self.attempt.email)

    @property
    def told_to_check_email(self) -> bool:
        """Answered as a sign-up that worked: 200 and the check-your-email page."""
        attempt = self.attempt
        return not attempt.error and attempt.status == 200 and CHECK_EMAIL in attempt.body

    @property
    def server_error(self) -> bool:
        return self.attempt.status >= 500

    def describe(self) -> str:
        a = self.attempt
        return f"{a.email}: form {a.form_status}, post {a.status} {a.error} {a.body[:160]!r}"


class Burst:
    """Sign-ups fired from threads: every form is fetched first, then the posts go out.

    With `spread` 0 all posts are released at once; otherwise they are spaced evenly over
    `spread` seconds, so that something can be broken while the burst is under way.
    """

    def __init__(self, base_url: str, slug: str, emails: list[str], *, spread: float = 0.0):
        self.form_url = f"{base_url}/events/{slug}/register"
        self.signups = [SignUp(Attempt(email)) for email in emails]
        self.spread = spread
        self._answered = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []

    def start(self) -> Burst:
        ready = threading.Barrier(len(self.signups) + 1)
        for index, signup in enumerate(self.signups):
            delay = self.spread * index / len(self.signups)
            thread = threading.Thread(target=self._run, args=(signup, ready, delay), daemon=True)
            thread.start()
            self._threads.append(thread)
        ready.wait(timeout=120)  # every form fetched: the posts start now
        return self

    def _run(self, signup: SignUp, ready: threading.Barrier, delay: float) -> None:
        attempt = signup.attempt
        try:
            attempt.fetch_form(self.form_url)
        except Exception as exc:  # noqa: BLE001 - reported with the attempt
            attempt.error = repr(exc)
        ready.wait(timeout=120)
        try:
            if not attempt.error:
                time.sleep(delay)
                signup.posted_at = time.monotonic()
                attempt.submit(self.form_url)
        except Exception as exc:  # noqa: BLE001 - reported with the attempt
            attempt.error = repr(exc)
        finally:
            signup.answered_at = time.monotonic()
            self._answered.release()

    def wait_answered(self, count: int, timeout: float = 60.0) -> None:
        """Block until `count` more posts have been answered (or failed)."""
        deadline = time.monotonic() + timeout
        for _ in range(count):
            if not self._answered.acquire(timeout=max(deadline - time.monotonic(), 0.01)):
                raise AssertionError(f"the burst stalled: fewer than {count} answers in time")

    def join(self, timeout: float = 120.0) -> list[SignUp]:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.01))
        assert not any(t.is_alive() for t in self._threads), "sign-ups still running"
        return self.signups


def fire(base_url: str, slug: str, emails: list[str], *, spread: float = 0.0) -> list[SignUp]:
    """Run a whole burst and return its sign-ups."""
    return Burst(base_url, slug, emails, spread=spread).start().join()


@dataclass
class Stored:
    """What the database holds for one event after a drill."""

    confirmed_count: int
    registrations: list[tuple[int, str, str]]  # (id, email_normalised, status)
    emails: list[tuple[int | None, str, str, int, str | None]]  # registration, kind, status...

    def live(self) -> list[tuple[int, str, str]]:
        return [row for row in self.registrations if row[2] != "cancelled"]

    def confirmed(self) -> list[tuple[int, str, str]]:
        return [row for row in self.registrations if row[2] == "confirmed"]

    def live_addresses(self) -> Counter[str]:
        return Counter(email for _id, email, _status in self.live())

    def half_saved(self, *, asked_again: set[str] = frozenset()) -> list[str]:
        """Registrations without exactly their one ticket email, and emails for no one.

        An address in `asked_again` signed up a second time and may also have been sent its
        ticket again ("ticket_resent"), as a repeat sign-up is.
        """
        expected = {"confirmed": "ticket_confirmed", "waiting": "waiting_list"}
        kinds: dict[int | None, list[str]] = {}
        for registration_id, kind, *_ in self.emails:
            kinds.setdefault(registration_id, []).append(kind)
        found = []
        for registration_id, email, status in self.registrations:
            sent = kinds.pop(registration_id, [])
            if email in asked_again:
                sent = [kind for kind in sent if kind != "ticket_resent"]
            if sent != [expected[status]]:
                found.append(f"{email} ({status}) has emails {sent}")
        # "Lost your ticket?" asks are queued for an address, not a ticket, and find their
        # ticket (or are dropped) only when written: waiting, they belong to nobody yet.
        unwritten = [kind for kind in kinds.get(None, []) if kind != lost_tickets.KIND]
        if unwritten:
            kinds[None] = unwritten
        else:
            kinds.pop(None, None)
        if kinds:
            found.append(f"emails for no registration: {kinds}")
        return found


def read_stored(database_url: str, slug: str) -> Stored:
    """Read the event's counter, its registrations and the outbox, straight from the database."""
    engine = sa.create_engine(sa_url(database_url))
    try:
        with engine.connect() as conn:
            event_id, confirmed_count = conn.execute(
                sa.text("SELECT id, confirmed_count FROM events WHERE slug = :slug"),
                {"slug": slug},
            ).one()
            registrations = [
                (row[0], row[1], str(row[2]))
                for row in conn.execute(
                    sa.text(
                        "SELECT id, email_normalised, status FROM registrations"
                        " WHERE event_id = :event ORDER BY id"
                    ),
                    {"event": event_id},
                )
            ]
            emails = [
                tuple(row)
                for row in conn.execute(
                    sa.text(
                        "SELECT registration_id, kind, status, attempts, last_error"
                        " FROM outbox_messages WHERE event_id = :event ORDER BY id"
                    ),
                    {"event": event_id},
                )
            ]
    finally:
        engine.dispose()
    return Stored(confirmed_count, registrations, emails)  # type: ignore[arg-type]


def lost(signups: list[SignUp], stored: Stored) -> list[str]:
    """Addresses told to check their email that hold no place."""
    held = set(stored.live_addresses())
    return sorted({s.email for s in signups if s.told_to_check_email} - held)


@dataclass
class Figures:
    """The line a drill adds to the table: drill, requests, 5xx, lost, duplicated."""

    drill: str
    requests: int
    server_errors: int
    lost: int
    duplicated: int
    notes: dict[str, object] = field(default_factory=dict)

    def record(self, node: pytest.Item) -> None:
        """Keep the figures with the test's report (`--junitxml` writes them as properties).

        Straight onto `user_properties`: the `record_property` fixture warns under the
        default junit family, and warnings are errors here.
        """
        node.user_properties.extend(
            [
                ("drill", self.drill),
                ("requests", self.requests),
                ("5xx", self.server_errors),
                ("lost", self.lost),
                ("duplicated", self.duplicated),
                *self.notes.items(),
            ]
        )


class PrivateRedis:
    """A redis-server of the drill's own on a free loopback port; the shared one is left be."""

    def __init__(self, folder: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            unavailable("redis-server is not installed, so there is no Redis to stop")
        self._frozen = False
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._log = (folder / "redis.log").open("wb")
        self._proc = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        if not wait_for_port("127.0.0.1", self.port, timeout=10):
            self.kill()
            pytest.fail(f"redis-server did not listen on {self.port}")

    def kill(self) -> None:
        """Kill it outright (SIGKILL), as a crash or the OOM killer would."""
        if self._proc.poll() is None:
            if self._frozen:
                os.kill(self._proc.pid, signal.SIGCONT)
            self._proc.kill()
            self._proc.wait(10)
        self._frozen = False

    def freeze(self) -> None:
        """Stop it answering without closing its connections (SIGSTOP): a hung server."""
        os.kill(self._proc.pid, signal.SIGSTOP)
        self._frozen = True

    def close(self) -> None:
        self.kill()
        self._log.close()


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    """Run a private redis-server for the block, and make sure it is gone afterwards."""
    server = PrivateRedis(folder)
    try:
        yield server
    finally:
        server.close()
