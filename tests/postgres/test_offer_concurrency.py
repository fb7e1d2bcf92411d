"""Claims of offered places racing the expiry command and new sign-ups: gunicorn on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.offer_race import offers_holding_every_place, race
from tests.e2e.signup_storm import server_env
from tests.support.live_server import live_server
from tests.support.migrated import migrated_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CAPACITY = 120
WAITING = 130
WORKERS = 4


def test_claims_racing_expiry_and_sign_ups_never_overbook_postgres(tmp_path: Path):
    with migrated_postgres(server_env("", tmp_path)) as url:
        env = server_env(url, tmp_path)
        slug, offered, deadline = offers_holding_every_place(
            env, capacity=CAPACITY, waiting=WAITING
        )
        with live_server(env, workers=WORKERS) as server:
            outcome = race(server.url, env, slug, offered, deadline)
            log = server.log()
    assert outcome.problems() == [], log + outcome.command_output
    assert outcome.passed_on
    assert len(outcome.claimed) + len(outcome.passed_on) == CAPACITY
    assert outcome.confirmed_count == CAPACITY
    assert "Traceback" not in log
    print(f"{len(outcome.claimed)} claimed, {len(outcome.passed_on)} passed on")
