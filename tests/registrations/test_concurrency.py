"""Real concurrent sign-ups against gunicorn with several workers on a SQLite file database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.signup_storm import add_open_event, repeat_storm, server_env, storm
from tests.support.live_server import live_server
from tests.support.migrated import upgrade_to_heads

pytestmark = pytest.mark.slow

CAPACITY = 10
PEOPLE = 60
WORKERS = 4


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file the real migrations built, once for the module; each test serves a copy."""
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "storm.sqlite"
    upgrade_to_heads(server_env(f"sqlite:///{database}", folder))
    return database


@pytest.fixture
def sqlite_env(tmp_path: Path, migrated: Path) -> dict[str, str]:
    shutil.copyfile(migrated, tmp_path / "storm.sqlite")
    return server_env(f"sqlite:///{tmp_path / 'storm.sqlite'}", tmp_path)


def test_sixty_at_once_never_overbook_sqlite(sqlite_env):
    slug = add_open_event(sqlite_env, capacity=CAPACITY)
    with live_server(sqlite_env, workers=WORKERS) as server:
        outcome = storm(server.url, sqlite_env, slug, capacity=CAPACITY, people=PEOPLE)
        log = server.log()
    assert outcome.problems() == [], log
    assert len(outcome.confirmed) == CAPACITY
    assert outcome.confirmed_count == CAPACITY
    assert len(outcome.waiting) == PEOPLE - CAPACITY
    assert "Traceback" not in log


def test_control_check_then_insert_is_caught_sqlite(sqlite_env):
    """The same harness against a naive count-then-insert app must report overbooking."""
    slug = add_open_event(sqlite_env, capacity=CAPACITY)
    with live_server(sqlite_env, workers=WORKERS, app="tests.e2e.racy_wsgi:app") as server:
        outcome = storm(server.url, sqlite_env, slug, capacity=CAPACITY, people=PEOPLE)
    assert outcome.overbooked(), f"{len(outcome.confirmed)} confirmed for {CAPACITY} places"
    assert any("confirmed rows" in problem for problem in outcome.problems())


def test_same_address_ten_times_at_once_gets_one_ticket_sqlite(sqlite_env):
    """Every attempt is told to check its email; the address holds one ticket, and its emails
    (the ticket, then one repeat) each carry a link of their own to that ticket."""
    slug = add_open_event(sqlite_env, capacity=CAPACITY)
    variants = ("Sam@Example.com", "sam@example.com", " SAM@EXAMPLE.COM ", "sAm@example.COM")
    emails = [variants[n % len(variants)] for n in range(10)]
    with live_server(sqlite_env, workers=WORKERS) as server:
        outcome = repeat_storm(server.url, sqlite_env, slug, emails)
        log = server.log()
    assert outcome.problems() == [], log
    assert [(row.email, row.status) for row in outcome.rows] == [("sam@example.com", "confirmed")]
    assert outcome.confirmed_count == 1
    assert outcome.mail["ticket_confirmed"] == 1
    assert "Traceback" not in log
