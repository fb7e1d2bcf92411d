"""Real concurrent sign-ups against gunicorn with several workers on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.signup_storm import add_open_event, repeat_storm, server_env, storm
from tests.support.live_server import live_server
from tests.support.migrated import migrated_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CAPACITY = 10
PEOPLE = 60
WORKERS = 4


@pytest.fixture
def pg_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database the real migrations built (a copy of one made once, tests/support/migrated.py)."""
    with migrated_postgres(server_env("", tmp_path)) as url:
        yield server_env(url, tmp_path)


def test_sixty_at_once_never_overbook_postgres(pg_env):
    slug = add_open_event(pg_env, capacity=CAPACITY)
    with live_server(pg_env, workers=WORKERS) as server:
        outcome = storm(server.url, pg_env, slug, capacity=CAPACITY, people=PEOPLE)
        log = server.log()
    assert outcome.problems() == [], log
    assert len(outcome.confirmed) == CAPACITY
    assert outcome.confirmed_count == CAPACITY
    assert len(outcome.waiting) == PEOPLE - CAPACITY
    assert "Traceback" not in log


def test_control_check_then_insert_is_caught_postgres(pg_env):
    """The same harness against a naive count-then-insert app must report overbooking."""
    slug = add_open_event(pg_env, capacity=CAPACITY)
    with live_server(pg_env, workers=WORKERS, app="tests.e2e.racy_wsgi:app") as server:
        outcome = storm(server.url, pg_env, slug, capacity=CAPACITY, people=PEOPLE)
    assert outcome.overbooked(), f"{len(outcome.confirmed)} confirmed for {CAPACITY} places"
    assert any("confirmed rows" in problem for problem in outcome.problems())


def test_same_address_ten_times_at_once_gets_one_ticket_postgres(pg_env):
    """Every attempt is told to check its email; the address holds one ticket, and its emails
    (the ticket, then one repeat) each carry a link of their own to that ticket."""
    slug = add_open_event(pg_env, capacity=CAPACITY)
    variants = ("Sam@Example.com", "sam@example.com", " SAM@EXAMPLE.COM ", "sAm@example.COM")
    emails = [variants[n % len(variants)] for n in range(10)]
    with live_server(pg_env, workers=WORKERS) as server:
        outcome = repeat_storm(server.url, pg_env, slug, emails)
        log = server.log()
    assert outcome.problems() == [], log
    assert [(row.email, row.status) for row in outcome.rows] == [("sam@example.com", "confirmed")]
    assert outcome.confirmed_count == 1
    assert outcome.mail["ticket_confirmed"] == 1
    assert "Traceback" not in log
