"""Bookings for several young people racing single sign-ups for the last places, against
gunicorn with several workers on PostgreSQL: never overbooked, and each booking's places are
taken in its own order (confirmed ones first, then the waiting list)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.signup_storm import Attempt, _sa_url, add_open_event, server_env
from tests.support.live_server import live_server
from tests.support.migrated import migrated_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CAPACITY = 10
BOOKINGS = 4
YOUNG_PEOPLE = 5
SIGN_UPS = 10
WORKERS = 4


@dataclass
class BookingAttempt(Attempt):
    """One adviser's booking of YOUNG_PEOPLE young people, as a browser would send it."""

    def submit(self, form_url: str) -> None:
        data = {
            "csrf_token": self._token,
            "name": "Jo Bell",
            "email": self.email,
            "organisation": "Luton Council",
            "role": "Personal adviser",
            "declared": "y",
            "book": "Book places",
        }
        for n in range(YOUNG_PEOPLE):
            data[f"young_people-{n}-first_name"] = f"Young{n}"
            data[f"young_people-{n}-email"] = ""
        self.status, self.headers, self.body = self._open(form_url, data)


@pytest.fixture
def pg_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with migrated_postgres(server_env("", tmp_path)) as url:
        yield server_env(url, tmp_path)


def test_bookings_and_sign_ups_at_once_never_overbook_postgres(pg_env):
    slug = add_open_event(pg_env, capacity=CAPACITY)
    attempts: list[tuple[Attempt, str]] = [
        (BookingAttempt(f"adviser{n}@example.org"), f"/events/{slug}/book-for-young-people")
        for n in range(BOOKINGS)
    ] + [(Attempt(f"person{n}@example.org"), f"/events/{slug}/register") for n in range(SIGN_UPS)]
    with live_server(pg_env, workers=WORKERS) as server:
        start = threading.Barrier(len(attempts))

        def run(attempt: Attempt, path: str) -> None:
            attempt.fetch_form(server.url + path)
            start.wait(timeout=120)
            attempt.submit(server.url + path)

        threads = [threading.Thread(target=run, args=pair) for pair in attempts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        log = server.log()
    assert "Traceback" not in log
    assert all(a.status == 200 for a, _ in attempts), [(a.email, a.status) for a, _ in attempts]
    assert all("Booking made" in a.body for a, _ in attempts[:BOOKINGS])

    engine = sa.create_engine(_sa_url(pg_env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            counted = conn.scalar(sa.text("SELECT confirmed_count FROM events"))
            rows = conn.execute(
                sa.text("SELECT booking_id, status FROM registrations ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == BOOKINGS * YOUNG_PEOPLE + SIGN_UPS
    assert counted == CAPACITY
    assert sum(1 for row in rows if row.status == "confirmed") == CAPACITY
    for booking_id in {row.booking_id for row in rows if row.booking_id}:
        statuses = [row.status for row in rows if row.booking_id == booking_id]
        assert len(statuses) == YOUNG_PEOPLE
        # Once places ran out for a booking, nobody later in it got one.
        assert statuses == sorted(statuses), statuses  # "confirmed" < "waiting"
