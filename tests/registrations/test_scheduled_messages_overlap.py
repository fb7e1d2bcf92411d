"""Runs of `flask nclw send-scheduled-messages` that overlap still send each message once.

Real processes on a database of their own (they must commit across processes): an SQLite
file, and a throwaway PostgreSQL database.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import (
    EventMessage,
    EventMessageEmail,
    EventMessageState,
    MessageAudience,
)
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.factories import make_event, make_registration
from tests.support.live_server import run_flask

pytestmark = pytest.mark.slow

MESSAGES = 40
PEOPLE = 5
RUNS = 3


def _seed(app) -> None:
    with app.app_context():
        event = make_event(capacity=PEOPLE)
        for n in range(PEOPLE):
            make_registration(event, email=f"p{n}@example.com")
        due = utcnow() - timedelta(minutes=1)
        for n in range(MESSAGES):
            db.session.add(
                EventMessage(
                    event_id=event.id,
                    audience=MessageAudience.CONFIRMED,
                    subject=f"Message {n}",
                    body="Hello {first_name}",
                    state=EventMessageState.SCHEDULED,
                    send_at=due,
                )
            )
        db.session.commit()


def _overlapping_runs(app, database_url: str, instance: Path) -> None:
    _seed(app)
    env = server_env(database_url, instance)
    with ThreadPoolExecutor(RUNS) as pool:
        results = list(
            pool.map(lambda _: run_flask(["nclw", "send-scheduled-messages"], env), range(RUNS))
        )
    said = [int(re.search(r"Sent (\d+)", r.stdout).group(1)) for r in results]
    assert sum(said) == MESSAGES, [r.stdout + r.stderr for r in results]
    with app.app_context():
        db.session.remove()
        states = db.session.scalars(sa.select(EventMessage.state)).all()
        assert set(states) == {EventMessageState.SENT}
        per_message = db.session.execute(
            sa.select(EventMessageEmail.event_message_id, sa.func.count()).group_by(
                EventMessageEmail.event_message_id
            )
        ).all()
        assert len(per_message) == MESSAGES
        assert {count for _, count in per_message} == {PEOPLE}
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == MESSAGES * PEOPLE


def test_overlapping_runs_send_each_message_once_sqlite(tmp_path):
    app = make_test_app(tmp_path)
    _overlapping_runs(app, app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance")


@pytest.mark.postgres
def test_overlapping_runs_send_each_message_once_postgres(tmp_path, postgres_database_url):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    _overlapping_runs(app, postgres_database_url, tmp_path / "instance")
