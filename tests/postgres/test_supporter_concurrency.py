"""Real concurrent sign-ups with supporters against gunicorn on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pair_storm import add_event_allowing_supporters, pair_storm
from tests.e2e.signup_storm import server_env
from tests.support.live_server import live_server
from tests.support.migrated import migrated_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CAPACITY = 20
PEOPLE = CAPACITY + 20  # every other one brings a supporter: 60 places asked for 20
WORKERS = 4


@pytest.fixture
def pg_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with migrated_postgres(server_env("", tmp_path)) as url:
        yield server_env(url, tmp_path)


def test_pairs_and_singles_at_once_never_split_a_pair_or_overbook_postgres(pg_env):
    slug = add_event_allowing_supporters(pg_env, capacity=CAPACITY)
    with live_server(pg_env, workers=WORKERS) as server:
        outcome = pair_storm(server.url, pg_env, slug, capacity=CAPACITY, people=PEOPLE)
        log = server.log()
    assert outcome.problems() == [], log
    assert outcome.confirmed_count == outcome.places_held <= CAPACITY
    assert "Traceback" not in log


def test_control_count_then_insert_is_caught_postgres(pg_env):
    """The same harness against an app that counts places, then inserts, must see overbooking."""
    slug = add_event_allowing_supporters(pg_env, capacity=CAPACITY)
    with live_server(pg_env, workers=WORKERS, app="tests.e2e.racy_pairs_wsgi:app") as server:
        outcome = pair_storm(server.url, pg_env, slug, capacity=CAPACITY, people=PEOPLE)
    assert outcome.overbooked(), f"{outcome.places_held} places held for {CAPACITY}"
    assert any("places held for" in problem for problem in outcome.problems())
