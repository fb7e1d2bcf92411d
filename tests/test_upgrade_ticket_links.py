"""Upgrading a populated database to hashed ticket links: links already emailed keep working.

A real upgrade with `flask db upgrade` from the previous release's schema, on SQLite and on
PostgreSQL, with the rows the previous release wrote (plain manage tokens, questions keyed by
them).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw import create_app
from nclw.extensions import db
from nclw.questions.services.asking import questions_asked_by
from nclw.questions.services.keys import ticket_key
from nclw.registrations.models import Registration, TicketLink
from tests.e2e.signup_storm import TEST_SECRET, _sa_url, add_open_event, server_env
from tests.support.live_server import run_flask

pytestmark = pytest.mark.slow  # `flask db` in subprocesses

PREVIOUS = "0006_audit_actions_past_tense"
ASKER_KEY = "a-new-asker-key-set-at-the-upgrade-0123456789"
TOKENS = {"NCLW-AAAAA2": "a" * 43, "NCLW-BBBBB3": "b" * 43}


def _old_asker_key(token: str) -> str:
    # The previous release's rule: HMAC of the manage token under SECRET_KEY (the servers'
    # key here, as no asker key is set).
    return hmac.new(TEST_SECRET.encode(), f"ticket:{token}".encode(), hashlib.sha256).hexdigest()


def _fill_previous_release(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            event_id = conn.execute(sa.text("SELECT id FROM events")).scalar_one()
            insert = sa.text(
                "INSERT INTO registrations (event_id, first_name, email, email_normalised,"
                " status, reference, manage_token, created_at, updated_at, calendar_sequence,"
                " confirmed_at, anonymised_at)"
                " VALUES (:event_id, :name, :email, :email, :status, :reference, :token,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP, :anonymised)"
            )
            for n, (reference, token) in enumerate(TOKENS.items()):
                conn.execute(
                    insert,
                    {
                        "event_id": event_id,
                        "name": f"Person {n}",
                        "email": f"person{n}@example.com",
                        "status": "confirmed",
                        "reference": reference,
                        "token": token,
                        "anonymised": None,
                    },
                )
            conn.execute(
                insert,
                {
                    "event_id": event_id,
                    "name": "",
                    "email": "anonymised-3",
                    "status": "cancelled",
                    "reference": "NCLW-CCCCC4",
                    "token": "anonymised-3",
                    "anonymised": "2026-01-01 00:00:00",
                },
            )
            first = conn.execute(
                sa.text("SELECT id FROM registrations WHERE reference = 'NCLW-AAAAA2'")
            ).scalar_one()
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_messages (kind, to_address, subject, status, attempts,"
                    " next_attempt_at, created_at, registration_id, event_id)"
                    " VALUES ('ticket_confirmed', 'person0@example.com', 'Your ticket', 'sent',"
                    " 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :registration, :event)"
                ),
                {"registration": first, "event": event_id},
            )
            question = conn.execute(
                sa.text(
                    "INSERT INTO questions (event_id, body, status, asker_key, flags, pinned,"
                    " vote_count, created_at)"
                    " VALUES (:event, 'Do I need a CV?', 'approved', :key, '', false, 1,"
                    " CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"event": event_id, "key": _old_asker_key(TOKENS["NCLW-AAAAA2"])},
            ).scalar_one()
            conn.execute(
                sa.text(
                    "INSERT INTO question_votes (question_id, voter_key) VALUES (:question, :key)"
                ),
                {"question": question, "key": _old_asker_key(TOKENS["NCLW-BBBBB3"])},
            )
    finally:
        engine.dispose()


def _upgrade_keeps_links(url: str, instance: Path) -> None:
    env = server_env(url, instance)
    run_flask(["db", "upgrade", PREVIOUS], env)
    add_open_event(env, capacity=10)
    _fill_previous_release(_sa_url(url))

    # The operator sets the asker key this release requires as they upgrade: the questions
    # made under SECRET_KEY are re-keyed under it.
    env = {**env, "QUESTION_ASKER_KEY": ASKER_KEY}
    run_flask(["db", "upgrade", "heads"], env)

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "QUESTION_ASKER_KEY": ASKER_KEY,
            "SQLALCHEMY_DATABASE_URI": _sa_url(url),
        }
    )
    with app.app_context():
        try:
            client = app.test_client()
            for reference, token in TOKENS.items():
                page = client.get(f"/tickets/{token}")
                assert page.status_code == 200
                assert reference in page.text
            assert client.get("/tickets/anonymised-3").status_code == 404
            people = {r.reference: r for r in db.session.scalars(sa.select(Registration))}
            assert len(people) == 3
            # Only hashes: no token of the previous release is left anywhere in the tables.
            hashes = set(db.session.scalars(sa.select(TicketLink.token_hash)))
            assert len(hashes) == 2 and not hashes & set(TOKENS.values())
            # Rows that refer to a ticket still do (SQLite copies the table to drop a column).
            outbox_owner = db.session.scalar(sa.text("SELECT registration_id FROM outbox_messages"))
            assert outbox_owner == people["NCLW-AAAAA2"].id
            # The question and the vote are still their askers'.
            first, second = people["NCLW-AAAAA2"], people["NCLW-BBBBB3"]
            [asked] = questions_asked_by(first.event, ticket_key(first))
            assert asked.body == "Do I need a CV?"
            voter = db.session.scalar(sa.text("SELECT voter_key FROM question_votes"))
            assert voter == ticket_key(second)
        finally:
            # Even when a check fails: an open connection would be reported by a later test.
            db.session.remove()
            db.engine.dispose()

    # And back: the previous release's schema with every ticket, if never its old links.
    run_flask(["db", "downgrade", PREVIOUS], env)
    engine = sa.create_engine(_sa_url(url))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM registrations")).scalar() == 3
    finally:
        engine.dispose()
    run_flask(["db", "upgrade", "heads"], env)


def test_upgrading_sqlite_keeps_every_ticket_link_already_sent(tmp_path: Path):
    _upgrade_keeps_links(f"sqlite:///{tmp_path / 'previous.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_upgrading_postgresql_keeps_every_ticket_link_already_sent(
    tmp_path: Path, postgres_database_url: str
):
    _upgrade_keeps_links(postgres_database_url, tmp_path)
