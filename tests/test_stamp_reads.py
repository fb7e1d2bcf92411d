"""Stamps on SQLite: rows read once are given again until the database changes or the clock
passes one of their moments (nclw/stamp_reads.py)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from nclw import stamp_reads
from nclw.extensions import db
from nclw.stamp_reads import fetch_rows
from nclw.timezones import utcnow
from tests.factories import make_event
from tests.security.test_week_cache import count_queries

_TITLE = "SELECT title FROM events WHERE slug = :slug"
_OPEN = (
    "SELECT registration_closes_at, registration_closes_at > :now FROM events WHERE slug = :slug"
)


@pytest.fixture(autouse=True)
def _on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        # PostgreSQL reads every stamp afresh, in one round trip (tests/events).
        pytest.skip("the data_version reader is SQLite's")


def _file() -> str:
    return db.engine.url.database


def _reads(statements: list[str]) -> list[str]:
    # Leaving out the pool's "SELECT 1" as it hands out a connection.
    return [statement for statement in statements if "FROM events" in statement]


def _moments(results):
    return [row[0] for row in results[0]]


def test_rows_are_given_again_until_another_connection_commits(app):
    event = make_event(title="Careers session")
    slug, event_id = event.slug, event.id
    with count_queries() as statements:
        assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
        assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
        assert len(statements) == 1
        # A commit from anywhere else, here a connection the app knows nothing of.
        other = sqlite3.connect(_file())
        other.execute("UPDATE events SET title = 'Mock interviews' WHERE id = ?", (event_id,))
        other.commit()
        other.close()
        assert fetch_rows(_TITLE, {"slug": slug}) == [("Mock interviews",)]
        assert len(statements) == 2


def test_other_parameters_are_other_rows(app):
    first, second = make_event(title="First"), make_event(title="Second")
    assert fetch_rows(_TITLE, {"slug": first.slug}) == [("First",)]
    assert fetch_rows(_TITLE, {"slug": second.slug}) == [("Second",)]


def test_the_clock_passing_a_moment_reads_again(app):
    closes = utcnow() + timedelta(minutes=5)
    params = {"slug": make_event(registration_closes_at=closes).slug}
    with count_queries() as statements:
        before = fetch_rows(_OPEN, {**params, "now": utcnow()}, moments=_moments)
        again = fetch_rows(_OPEN, {**params, "now": utcnow()}, moments=_moments)
        assert before == again and before[0][1] == 1 and len(statements) == 1
        after = fetch_rows(
            _OPEN, {**params, "now": closes + timedelta(seconds=1)}, moments=_moments
        )
        assert after[0][1] == 0 and len(statements) == 2


def test_statements_using_now_without_their_moments_always_run(app):
    slug = make_event().slug
    with count_queries() as statements:
        for _ in range(3):
            fetch_rows(_OPEN, {"slug": slug, "now": utcnow()})
    assert len(_reads(statements)) == 3


def test_a_connection_opened_immutable_is_never_trusted(app, monkeypatch):
    monkeypatch.setattr(stamp_reads, "opened_immutable", lambda info: True)
    slug = make_event(title="Careers session").slug
    with count_queries() as statements:
        for _ in range(3):
            assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
    assert len(_reads(statements)) == 3


def test_disposing_the_engine_closes_the_connection(app):
    event = make_event()
    fetch_rows(_TITLE, {"slug": event.slug})
    reader = app.extensions["nclw_sqlite_stamp_reader"]
    connection = reader._connection
    db.engine.dispose()
    with pytest.raises(sqlite3.ProgrammingError):
        connection.execute("SELECT 1")
    assert fetch_rows(_TITLE, {"slug": event.slug})  # a new one is opened


def test_a_forked_process_opens_its_own_connection(app, monkeypatch):
    event = make_event()
    fetch_rows(_TITLE, {"slug": event.slug})
    reader = app.extensions["nclw_sqlite_stamp_reader"]
    parents = reader._connection
    monkeypatch.setattr(stamp_reads.os, "getpid", lambda: -1)
    fetch_rows(_TITLE, {"slug": event.slug})
    assert reader._connection is not parents


def test_threads_take_turns_on_one_connection(app):
    # A development server starts a thread for each request: a connection for each thread
    # would be one more open file per request, never closed.
    slug = make_event(title="Careers session").slug
    fetch_rows(_TITLE, {"slug": slug})
    reader = app.extensions["nclw_sqlite_stamp_reader"]
    first = reader._connection
    seen = []

    def read() -> None:
        with app.app_context():
            seen.append(fetch_rows(_TITLE, {"slug": slug}))

    for _ in range(5):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=30)
    assert seen == [[("Careers session",)]] * 5
    assert reader._connection is first
