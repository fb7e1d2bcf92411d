"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.signup_storm import _sa_url, add_open_event, prepare_database, server_env
from tests.support.live_server import run_flask


def _upgrade_and_check(database_url: str, instance: Path) -> str:
    env = server_env(database_url, instance)
    # Several branches add migrations off 0001_initial until they are merged: apply them all.
    run_flask(["db", "upgrade", "heads"], env)
    return run_flask(["db", "check"], env).stdout


def _backstops_hold(database_url: str, instance: Path) -> None:
    """The database itself refuses overbooking and a second live ticket for one address."""
    prepare_database(server_env(database_url, instance), capacity=1)
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            event_id = conn.execute(sa.text("SELECT id FROM events")).scalar_one()
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("UPDATE events SET confirmed_count = 2"))
        row = {
            "event_id": event_id,
            "first_name": "Sam",
            "email": "sam@example.com",
            "email_normalised": "sam@example.com",
            "status": "waiting",
            "reference": "NCLW-AAAAA2",
        }
        insert = sa.text(
            "INSERT INTO registrations (event_id, first_name, email, email_normalised, status,"
            " reference, created_at, updated_at, calendar_sequence)"
            " VALUES (:event_id, :first_name, :email, :email_normalised, :status, :reference,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)"
        )
        with engine.begin() as conn:
            conn.execute(insert, row)
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(insert, {**row, "reference": "NCLW-BBBBB3"})
        # A cancelled registration does not block signing up again.
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE registrations SET status = 'cancelled'"))
            conn.execute(insert, {**row, "reference": "NCLW-CCCCC4"})
    finally:
        engine.dispose()


@pytest.mark.slow  # runs `flask db` in subprocesses
def test_migrations_match_the_models_on_sqlite(tmp_path):
    out = _upgrade_and_check(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    assert "No new upgrade operations detected" in out


@pytest.mark.slow  # runs `flask db` in subprocesses
def test_migrated_sqlite_keeps_the_database_backstops(tmp_path):
    _backstops_hold(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres(postgres_database_url, tmp_path):
    out = _upgrade_and_check(postgres_database_url, tmp_path)
    assert "No new upgrade operations detected" in out


@pytest.mark.postgres
def test_migrated_postgres_keeps_the_database_backstops(postgres_database_url, tmp_path):
    _backstops_hold(postgres_database_url, tmp_path)


@pytest.mark.slow  # runs `flask db` in subprocesses
def test_upgrading_renames_old_audit_actions_and_keeps_the_rest(tmp_path):
    """A log written by the previous release reads in the past tense after the upgrade."""
    url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    env = server_env(url, tmp_path)
    run_flask(["db", "upgrade", "0005_compose_when_sent"], env)
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO audit_entries (at, actor_label, action, summary)"
        " VALUES (CURRENT_TIMESTAMP, 'system', :action, :summary)"
    )
    old = ["proposal.approve", "registration.no_show", "event.created", "mail.retry"]
    try:
        with engine.begin() as conn:
            for n, action in enumerate(old):
                conn.execute(insert, {"action": action, "summary": f"entry {n}"})
        run_flask(["db", "upgrade", "heads"], env)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT action, summary FROM audit_entries ORDER BY id"))
            upgraded = [tuple(row) for row in rows]
        assert upgraded == [
            ("proposal.approved", "entry 0"),
            ("registration.marked_no_show", "entry 1"),
            ("event.created", "entry 2"),
            ("mail.retried", "entry 3"),
        ]
        run_flask(["db", "downgrade", "0005_compose_when_sent"], env)
        with engine.connect() as conn:
            back = conn.execute(sa.text("SELECT action FROM audit_entries ORDER BY id")).scalars()
            assert list(back) == old
    finally:
        engine.dispose()


def _older_entries_get_their_event(url: str, instance: Path) -> None:
    """Entries written before the audit log kept an event get it from what they were about."""
    env = server_env(url, instance)
    run_flask(["db", "upgrade", "0009_sign_in_links"], env)
    add_open_event(env, capacity=10)
    engine = sa.create_engine(_sa_url(url))
    try:
        with engine.begin() as conn:
            event = conn.execute(sa.text("SELECT id FROM events")).scalar_one()
            ticket = conn.execute(
                sa.text(
                    "INSERT INTO registrations (event_id, first_name, email, email_normalised,"
                    " status, reference, created_at, updated_at, calendar_sequence)"
                    " VALUES (:event, 'Alex', 'alex@example.com', 'alex@example.com',"
                    " 'confirmed', 'NCLW-AAAAA2', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)"
                    " RETURNING id"
                ),
                {"event": event},
            ).scalar_one()
            question = conn.execute(
                sa.text(
                    "INSERT INTO questions (event_id, body, status, flags, pinned, vote_count,"
                    " created_at) VALUES (:event, 'Do I need a CV?', 'approved', '', false, 0,"
                    " CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"event": event},
            ).scalar_one()
            entries = [
                ("event.published", "Event", event),
                ("registration.checked_in", "Registration", ticket),
                ("question.approved", "Question", question),
                # Rows since deleted, and rows that belong to no event.
                ("event.published", "Event", event + 100),
                ("registration.cancelled", "Registration", ticket + 100),
                ("user.renamed", "User", 1),
                ("registrations.purged", None, None),
            ]
            for action, target_type, target_id in entries:
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_entries (at, actor_label, action, target_type,"
                        " target_id, summary) VALUES (CURRENT_TIMESTAMP, 'system', :action,"
                        " :target_type, :target_id, '')"
                    ),
                    {"action": action, "target_type": target_type, "target_id": target_id},
                )
        run_flask(["db", "upgrade", "heads"], env)
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT event_id FROM audit_entries ORDER BY id"))
            assert list(found.scalars()) == [event, event, event, None, None, None, None]
        run_flask(["db", "downgrade", "0009_sign_in_links"], env)
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("audit_entries")}
            assert "event_id" not in columns
            assert conn.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar() == 7
    finally:
        engine.dispose()


@pytest.mark.slow  # runs `flask db` in subprocesses
def test_upgrading_sqlite_gives_older_audit_entries_their_event(tmp_path):
    _older_entries_get_their_event(f"sqlite:///{tmp_path / 'previous.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_upgrading_postgres_gives_older_audit_entries_their_event(postgres_database_url, tmp_path):
    _older_entries_get_their_event(postgres_database_url, tmp_path)
