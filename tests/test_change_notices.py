"""Stamps on PostgreSQL: rows read once are given again until the database sends a notice
that a table they read has changed (nclw/change_notices.py, nclw/stamp_reads.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from nclw import change_notices
from nclw.change_notices import TRIGGER, WATCHED_TABLES, ChangeNotices, watched
from nclw.events import cache
from nclw.events.cache import event_page_parts
from nclw.extensions import db
from nclw.registrations.sign_up_pages import PARTS
from nclw.stamp_reads import StampConnection, fetch_rows
from tests.conftest import make_test_app
from tests.factories import make_event

_TITLE = "SELECT title FROM events WHERE slug = :slug"


def test_every_stamp_the_pages_read_is_of_watched_tables(app):
    """A page kept on PostgreSQL is given again only while no notice came: every table its
    stamp reads must send one. A new stamp reading another table needs a trigger too."""
    week = [cache._WEEK_OF_NOW, cache._WEEK_OF_YEAR]
    event_page = [cache._EVENT_SELECT, *event_page_parts()]
    sign_up_form = [cache._EVENT_SELECT, *PARTS]
    for statements in (week, event_page, sign_up_form):
        assert watched(statements), statements
    # The check reads the table names: one it does not know is not trusted.
    assert not watched(["SELECT count(*) FROM registrations WHERE event_id = :event_id"])
    assert not watched([cache._EVENT_SELECT, "SELECT 1 FROM events JOIN audit_entries ON true"])
    assert not watched(["SELECT 1 FROM events ev, registrations r WHERE r.event_id = ev.id"])
    assert not watched(["SELECT 1 FROM events, registrations"])


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def pg_app(tmp_path, postgres_database_url) -> Iterator[Flask]:
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _reader(app: Flask) -> StampConnection:
    return app.extensions["nclw_stamp_connection"]


def _counting_reads(monkeypatch, app: Flask) -> list[int]:
    reads: list[int] = []
    reader = _reader(app)
    read = reader._read

    def counted(*args):
        reads.append(1)
        return read(*args)

    monkeypatch.setattr(reader, "_read", counted)
    return reads


def _until(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.005)


def _listening(app: Flask) -> None:
    fetch_rows(_TITLE, {"slug": "none"})  # starts the listener in this process
    _until(lambda: _reader(app).notices.version() is not None)


def _kept_event(app: Flask, monkeypatch) -> tuple[str, int, list[int]]:
    """An event whose title the listening worker has read once (and kept): its slug, its
    id, and the reads counted from then on."""
    event = make_event(title="Careers session")
    slug, event_id = event.slug, event.id
    db.session.commit()
    _listening(app)
    reads = _counting_reads(monkeypatch, app)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
    return slug, event_id, reads


@pytest.mark.postgres
def test_rows_are_given_again_until_a_notice_says_a_table_changed(pg_app, monkeypatch):
    slug, event_id, reads = _kept_event(pg_app, monkeypatch)
    for _ in range(2):
        assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
    assert len(reads) == 1

    # Another process commits a change: its notice reaches the listener within moments.
    notices = _reader(pg_app).notices
    before = notices.version()
    assert before is not None
    with psycopg.connect(_dsn(pg_app.config["SQLALCHEMY_DATABASE_URI"])) as other:
        other.execute("UPDATE events SET title = 'Mock interviews' WHERE id = %s", (event_id,))
    _until(lambda: notices.version() not in (None, before))
    for _ in range(3):
        assert fetch_rows(_TITLE, {"slug": slug}) == [("Mock interviews",)]
    assert len(reads) == 2  # read again once, then kept again
    settled = len(reads)

    # A write to a table no stamp reads sends no notice: nothing is read again.
    with psycopg.connect(_dsn(pg_app.config["SQLALCHEMY_DATABASE_URI"])) as other:
        other.execute("DELETE FROM audit_entries")
    time.sleep(0.2)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Mock interviews",)]
    assert len(reads) == settled


@pytest.mark.postgres
def test_this_process_commits_count_at_once(pg_app, monkeypatch):
    """A worker's own change shows on its next page without waiting for the notice."""
    event = make_event(title="Careers session")
    slug, event_id = event.slug, event.id
    db.session.commit()
    # A listener on another channel: it hears none of the notices, so only what this
    # process counts itself can make it read again.
    monkeypatch.setattr(change_notices, "CHANNEL", "nclw_elsewhere")
    fetch_rows(_TITLE, {"slug": "none"})
    reader = _reader(pg_app)
    reader.notices.close()
    reader.notices = ChangeNotices(reader._connect)
    _listening(pg_app)
    reads = _counting_reads(monkeypatch, pg_app)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
    with psycopg.connect(_dsn(pg_app.config["SQLALCHEMY_DATABASE_URI"])) as other:
        other.execute("UPDATE events SET title = 'Unheard' WHERE id = %s", (event_id,))
    time.sleep(0.2)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]  # kept: no notice
    event.title = "Mock interviews"
    db.session.commit()
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Mock interviews",)]
    assert len(reads) == 2
    reader.notices.close()


@pytest.mark.postgres
def test_nothing_is_trusted_while_the_listener_is_away(pg_app, monkeypatch):
    slug, event_id, reads = _kept_event(pg_app, monkeypatch)
    notices = _reader(pg_app).notices
    before = notices.version()
    assert before is not None
    url = _dsn(pg_app.config["SQLALCHEMY_DATABASE_URI"])
    with psycopg.connect(url, autocommit=True) as admin:
        # The database drops the listener, then a change is made that it cannot hear.
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE query LIKE 'LISTEN%%' AND datname = current_database()"
        )
        admin.execute("UPDATE events SET title = 'Mock interviews' WHERE id = %s", (event_id,))
    # While it is away nothing is trusted; back again, it counts its absence as a change.
    _until(lambda: notices.version() not in (None, before), seconds=10)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Mock interviews",)]
    assert len(reads) == 2


@pytest.mark.postgres
def test_a_statement_of_an_unwatched_table_is_read_every_time(pg_app, monkeypatch):
    make_event(title="Careers session")
    db.session.commit()
    _listening(pg_app)
    reads = _counting_reads(monkeypatch, pg_app)
    statement = "SELECT count(*) FROM registrations"
    for _ in range(3):
        assert fetch_rows(statement, {}) == [(0,)]
    assert len(reads) == 3


def _notifying_tables(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT c.relname, t.tgenabled FROM pg_trigger t"
                    " JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = :name"
                ),
                {"name": TRIGGER},
            )
            return {name: enabled for name, enabled in rows}
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_schema_made_for_tests_has_the_triggers(pg_app):
    # Fires also when replication or a restore turns ordinary triggers off ('A': always).
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    assert _notifying_tables(url) == dict.fromkeys(WATCHED_TABLES, "A")


@pytest.mark.postgres
def test_after_the_engine_is_disposed_the_worker_listens_again(pg_app, monkeypatch):
    """Disposing the engine (a restore, a test) closes the listener; the next read starts
    a new one, and rows are kept again."""
    _listening(pg_app)
    first = _reader(pg_app).notices
    db.engine.dispose()
    assert _reader(pg_app).notices is not first
    slug, _event_id, reads = _kept_event(pg_app, monkeypatch)
    assert fetch_rows(_TITLE, {"slug": slug}) == [("Careers session",)]
    assert len(reads) == 1
