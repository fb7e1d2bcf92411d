"""Real concurrent choices of time slots against gunicorn on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.signup_storm import server_env
from tests.e2e.slot_storm import add_slotted_event, slot_storm
from tests.support.live_server import live_server
from tests.support.migrated import migrated_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SLOTS = 12
PEOPLE = 40
# Four threads a worker: sixteen choices in flight at once, so people choosing one slot meet.
SERVER = {"workers": 4, "worker_class": "gthread", "threads": 4}


@pytest.fixture
def pg_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with migrated_postgres(server_env("", tmp_path)) as url:
        yield server_env(url, tmp_path)


def test_forty_choosing_twelve_slots_fill_each_exactly_once_postgres(pg_env):
    slug, slot_ids = add_slotted_event(pg_env, slots=SLOTS)
    with live_server(pg_env, **SERVER) as server:
        outcome = slot_storm(server.url, pg_env, slug, slot_ids, PEOPLE)
        log = server.log()
    assert outcome.problems(SLOTS) == [], log
    assert outcome.confirmed == SLOTS and len(outcome.refused) == PEOPLE - SLOTS
    assert "Traceback" not in log


def test_control_count_then_claim_double_books_and_is_caught_postgres(pg_env):
    slug, slot_ids = add_slotted_event(pg_env, slots=SLOTS)
    with live_server(pg_env, **SERVER, app="tests.e2e.racy_slots_wsgi:app") as server:
        outcome = slot_storm(server.url, pg_env, slug, slot_ids, PEOPLE)
    assert outcome.double_booked(), outcome.holders
    assert any("more than one" in problem for problem in outcome.problems(SLOTS))
