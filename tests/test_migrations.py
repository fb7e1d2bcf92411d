"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.change_notices import WATCHED_TABLES
from tests.e2e.signup_storm import _sa_url, add_open_event, prepare_database, server_env
from tests.support.flask_db import flask_db
from tests.test_change_notices import _notifying_tables


def _upgrade_and_check(database_url: str, instance: Path) -> str:
    env = server_env(database_url, instance)
    # Several branches add migrations off 0001_initial until they are merged: apply them all.
    flask_db(["upgrade", "heads"], env)
    return flask_db(["check"], env).stdout


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


@pytest.mark.slow  # runs every migration, up and down
def test_migrations_match_the_models_on_sqlite(tmp_path):
    out = _upgrade_and_check(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    assert "No new upgrade operations detected" in out


@pytest.mark.slow  # runs every migration, up and down
def test_migrated_sqlite_keeps_the_database_backstops(tmp_path):
    _backstops_hold(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres(postgres_database_url, tmp_path):
    out = _upgrade_and_check(postgres_database_url, tmp_path)
    assert "No new upgrade operations detected" in out
    # Alembic compares no triggers: the tables kept pages read send their change notices
    # (nclw/change_notices.py), and a downgrade takes the triggers away again.
    assert _notifying_tables(postgres_database_url) == dict.fromkeys(WATCHED_TABLES, "A")
    env = server_env(postgres_database_url, tmp_path)
    flask_db(["downgrade", "0033_outbox_language"], env)
    assert _notifying_tables(postgres_database_url) == {}


@pytest.mark.postgres
def test_migrated_postgres_keeps_the_database_backstops(postgres_database_url, tmp_path):
    _backstops_hold(postgres_database_url, tmp_path)


@pytest.mark.slow  # runs every migration, up and down
def test_upgrading_renames_old_audit_actions_and_keeps_the_rest(tmp_path):
    """A log written by the previous release reads in the past tense after the upgrade."""
    url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    env = server_env(url, tmp_path)
    flask_db(["upgrade", "0005_compose_when_sent"], env)
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
        flask_db(["upgrade", "heads"], env)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT action, summary FROM audit_entries ORDER BY id"))
            upgraded = [tuple(row) for row in rows]
        assert upgraded == [
            ("proposal.approved", "entry 0"),
            ("registration.marked_no_show", "entry 1"),
            ("event.created", "entry 2"),
            ("mail.retried", "entry 3"),
        ]
        flask_db(["downgrade", "0005_compose_when_sent"], env)
        with engine.connect() as conn:
            back = conn.execute(sa.text("SELECT action FROM audit_entries ORDER BY id")).scalars()
            assert list(back) == old
    finally:
        engine.dispose()


@pytest.mark.slow  # runs every migration, up and down
def test_upgrading_turns_under_18s_answers_into_age_rules(tmp_path):
    """A proposal that said "no under-18s" becomes "18 and over"; nothing else changes."""
    url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    env = server_env(url, tmp_path)
    flask_db(["upgrade", "0013_cancellation_reason"], env)
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO proposals (organisation_id, state, title, summary, description, highlights,"
        " starts_at, ends_at, format, audience, safeguarding_lead, safeguarding_contact,"
        " staff_dbs_checked, under_18s_allowed, note_to_reviewers, created_at, updated_at)"
        " VALUES (1, 'submitted', :title, 's', '', '', '2026-10-28 15:00:00',"
        " '2026-10-28 16:00:00', 'online', 'everyone', 'Lead', 'lead@example.org',"
        " :dbs, :under_18s, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, kind, is_partner)"
                    " VALUES (1, 'Catch22', 'charity', 1)"
                )
            )
            conn.execute(insert, {"title": "Adults", "dbs": False, "under_18s": False})
            conn.execute(insert, {"title": "Everyone", "dbs": True, "under_18s": True})
        flask_db(["upgrade", "heads"], env)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT title, min_age, max_age, staff_dbs_checked FROM proposals")
            )
            assert sorted(tuple(row) for row in rows) == [
                ("Adults", 18, None, 0),
                ("Everyone", 16, None, 1),
            ]
        flask_db(["downgrade", "0013_cancellation_reason"], env)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT title, under_18s_allowed FROM proposals"))
            assert sorted(tuple(row) for row in rows) == [("Adults", 0), ("Everyone", 1)]
    finally:
        engine.dispose()


def _door_staff_constraints_hold(database_url: str, instance: Path) -> None:
    """The role checks take door staff and nothing unknown; an event's door staff go with it;
    a downgrade refuses to run while anyone is door staff."""
    env = server_env(database_url, instance)
    prepare_database(env, capacity=1)
    engine = sa.create_engine(database_url)

    @sa.event.listens_for(engine, "connect")
    def _foreign_keys_on(connection, _record):
        if database_url.startswith("sqlite"):
            connection.execute("PRAGMA foreign_keys=ON")

    add_user = sa.text(
        "INSERT INTO users (email, name, role, active, session_token, created_at)"
        " VALUES (:email, '', :role, true, 'x', CURRENT_TIMESTAMP) RETURNING id"
    )
    add_token = sa.text(
        "INSERT INTO account_tokens (purpose, token_hash, email, role, created_at, expires_at)"
        " VALUES ('invite', :hash, 'new@example.org', :role, CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP)"
    )
    give = sa.text(
        "INSERT INTO event_door_staff (event_id, user_id, assigned_at)"
        " VALUES (:event_id, :user_id, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            event_id = conn.execute(sa.text("SELECT id FROM events")).scalar_one()
            user_id = conn.execute(add_user, {"email": "d@example.org", "role": "door_staff"})
            user_id = user_id.scalar_one()
            conn.execute(add_token, {"hash": "a", "role": "door_staff"})
            conn.execute(give, {"event_id": event_id, "user_id": user_id})
        for statement, values in [
            (add_user, {"email": "w@example.org", "role": "wizard"}),
            (add_token, {"hash": "b", "role": "wizard"}),
            (give, {"event_id": event_id, "user_id": user_id}),  # the same pair twice
            (give, {"event_id": event_id + 1, "user_id": user_id}),  # no such event
        ]:
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(statement, values)

        with pytest.raises(RuntimeError, match="door staff"):
            flask_db(["downgrade", "0014_ages_and_safeguarding"], env)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM events"))
            assert conn.execute(sa.text("SELECT COUNT(*) FROM event_door_staff")).scalar() == 0
            conn.execute(sa.text("DELETE FROM users"))
        engine.dispose()
        flask_db(["downgrade", "0014_ages_and_safeguarding"], env)
        with engine.begin() as conn:
            tokens = conn.execute(sa.text("SELECT COUNT(*) FROM account_tokens")).scalar()
            assert tokens == 0  # an invitation to a role this version lacks is gone
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(add_user, {"email": "d@example.org", "role": "door_staff"})
    finally:
        engine.dispose()


def _older_entries_get_their_event(url: str, instance: Path) -> None:
    """Entries written before the audit log kept an event get it from what they were about."""
    env = server_env(url, instance)
    flask_db(["upgrade", "0015_door_staff"], env)
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
        flask_db(["upgrade", "heads"], env)
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT event_id FROM audit_entries ORDER BY id"))
            assert list(found.scalars()) == [event, event, event, None, None, None, None]
        flask_db(["downgrade", "0015_door_staff"], env)
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("audit_entries")}
            assert "event_id" not in columns
            assert conn.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar() == 7
    finally:
        engine.dispose()


@pytest.mark.slow  # runs every migration, up and down
def test_sqlite_takes_door_staff_and_gives_them_up_on_downgrade(tmp_path):
    _door_staff_constraints_hold(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_postgres_takes_door_staff_and_gives_them_up_on_downgrade(postgres_database_url, tmp_path):
    _door_staff_constraints_hold(postgres_database_url, tmp_path)


@pytest.mark.slow  # runs every migration, up and down
def test_upgrading_sqlite_gives_older_audit_entries_their_event(tmp_path):
    _older_entries_get_their_event(f"sqlite:///{tmp_path / 'previous.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_upgrading_postgres_gives_older_audit_entries_their_event(postgres_database_url, tmp_path):
    _older_entries_get_their_event(postgres_database_url, tmp_path)


@pytest.mark.slow  # runs every migration, up and down
def test_upgrading_to_feedback_keeps_every_ticket_and_adds_empty_survey_tables(tmp_path):
    """A database from before the survey keeps its events, tickets and outbox; the survey's
    tables start empty and take a survey; a downgrade drops them and nothing else."""
    url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    env = server_env(url, tmp_path)
    flask_db(["upgrade", "0020_discreet"], env)
    add_open_event(env, capacity=10)
    engine = sa.create_engine(url)
    tickets = sa.text(
        "SELECT first_name, email, status, reference, discreet, checked_in_at"
        " FROM registrations ORDER BY id"
    )
    try:
        with engine.begin() as conn:
            event = conn.execute(sa.text("SELECT id FROM events")).scalar_one()
            for n, (name, discreet) in enumerate([("Alex", False), ("Sam", True)]):
                conn.execute(
                    sa.text(
                        "INSERT INTO registrations (event_id, first_name, email,"
                        " email_normalised, status, reference, created_at, updated_at,"
                        " calendar_sequence, discreet, checked_in_at)"
                        " VALUES (:event, :name, :email, :email, 'confirmed', :ref,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, :discreet, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "event": event,
                        "name": name,
                        "email": f"{name.lower()}@example.com",
                        "ref": f"NCLW-AAAAA{n + 2}",
                        "discreet": discreet,
                    },
                )
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_messages (kind, to_address, status, attempts,"
                    " next_attempt_at, created_at, dedupe_key) VALUES ('reminder_day_before',"
                    " 'alex@example.com', 'sent', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'k')"
                )
            )
            before = conn.execute(tickets).all()
        flask_db(["upgrade", "heads"], env)
        with engine.begin() as conn:
            assert conn.execute(tickets).all() == before
            assert conn.execute(sa.text("SELECT dedupe_key FROM outbox_messages")).all() == [("k",)]
            for table in ("feedback_questions", "feedback_invitations", "feedback_answers"):
                assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
            conn.execute(
                sa.text(
                    "INSERT INTO feedback_questions (event_id, position, kind, text)"
                    " VALUES (:event, 1, 'rating', 'How was it?')"
                ),
                {"event": event},
            )
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO feedback_answers (id, question_id, answered_on, rating)"
                    " VALUES ('a', 1, '2026-10-28', 9)"
                )
            )
        flask_db(["downgrade", "0020_discreet"], env)
        with engine.begin() as conn:
            assert conn.execute(tickets).all() == before
            names = sa.inspect(conn).get_table_names()
            assert not [name for name in names if name.startswith("feedback_")]
    finally:
        engine.dispose()


@pytest.mark.slow  # runs every migration, up and down
def test_downgrading_past_expiring_offers_keeps_every_offered_place(tmp_path):
    """An open offer holds its place: going back to a release without offers confirms it,
    so the event's count still matches and nobody loses the place they were offered."""
    url = f"sqlite:///{tmp_path / 'offers.sqlite'}"
    env = server_env(url, tmp_path)
    prepare_database(env, capacity=1)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE events SET confirmed_count = 1, offers_expire = 1"))
            conn.execute(
                sa.text(
                    "INSERT INTO registrations (event_id, first_name, email, email_normalised,"
                    " status, reference, created_at, updated_at, calendar_sequence,"
                    " offer_expires_at) SELECT id, 'Sam', 'sam@example.com', 'sam@example.com',"
                    " 'offered', 'NCLW-AAAAA2', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0,"
                    " CURRENT_TIMESTAMP FROM events"
                )
            )
        flask_db(["downgrade", "0022_calendar_replies"], env)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT status FROM registrations")).scalars().all() == [
                "confirmed"
            ]
        flask_db(["upgrade", "heads"], env)
    finally:
        engine.dispose()
