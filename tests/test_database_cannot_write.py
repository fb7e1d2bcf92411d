"""Which database errors mean "we cannot save just now", and how each kind of request hears it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from nclw.errors import RETRY_AFTER_SECONDS, database_cannot_write
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.questions.models import Question
from nclw.registrations.models import Registration
from nclw.registrations.views import use_first_question_sender
from tests.conftest import make_test_app
from tests.factories import make_event
from tests.support.html_validation import html_errors


def _as_sqlalchemy_raises_it(driver_error: Exception) -> sa.exc.DBAPIError:
    return sa.exc.OperationalError("INSERT INTO registrations ...", {}, driver_error)


def _sqlite_disk_full() -> sqlite3.OperationalError:
    """SQLite's own "database or disk is full", from a database allowed no more pages."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE TABLE notes (body TEXT)")
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError) as full:
            connection.execute("INSERT INTO notes VALUES (?)", ("x" * 100_000,))
        return full.value
    finally:
        connection.close()


def _sqlite_read_only(folder: Path) -> sqlite3.OperationalError:
    """SQLite's own "attempt to write a readonly database"."""
    path = folder / "read-only.sqlite"
    sqlite3.connect(path).close()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as refused:
            connection.execute("CREATE TABLE notes (body TEXT)")
        return refused.value
    finally:
        connection.close()


CANNOT_WRITE = {
    "sqlite disk full, as built by hand": sqlite3.OperationalError("database or disk is full"),
    "sqlite read-only, as built by hand": sqlite3.OperationalError(
        "attempt to write a readonly database"
    ),
    "postgres disk full": psycopg.errors.DiskFull(
        'could not extend file "base/16384/16402": No space left on device'
    ),
    "postgres disk full, no SQLSTATE": psycopg.OperationalError(
        'could not write to file "base/pgsql_tmp/pgsql_tmp123.0": No space left on device'
    ),
    "postgres read-only": psycopg.errors.ReadOnlySqlTransaction(
        "cannot execute INSERT in a read-only transaction"
    ),
    "postgres read-only, no SQLSTATE": psycopg.InternalError(
        "cannot execute UPDATE in a read-only transaction"
    ),
}
FAULTS = {
    "sqlite busy": sqlite3.OperationalError("database is locked"),
    "sqlite no table": sqlite3.OperationalError("no such table: events"),
    "sqlite duplicate": sqlite3.IntegrityError("UNIQUE constraint failed: registrations.reference"),
    "postgres duplicate": psycopg.errors.UniqueViolation("duplicate key value"),
    "postgres gone": psycopg.OperationalError("connection refused"),
    "postgres shut down": psycopg.errors.AdminShutdown("terminating connection"),
}


def test_sqlites_own_disk_full_and_read_only_errors_cannot_write(tmp_path):
    for error in (_sqlite_disk_full(), _sqlite_read_only(tmp_path)):
        assert error.sqlite_errorcode is not None
        assert database_cannot_write(error), error
        assert database_cannot_write(_as_sqlalchemy_raises_it(error)), error


@pytest.mark.parametrize("name", CANNOT_WRITE)
def test_read_only_and_disk_full_errors_cannot_write(name):
    error = CANNOT_WRITE[name]
    assert database_cannot_write(error)
    assert database_cannot_write(_as_sqlalchemy_raises_it(error))


@pytest.mark.parametrize("name", FAULTS)
def test_other_database_errors_are_faults(name):
    error = FAULTS[name]
    assert not database_cannot_write(error)
    assert not database_cannot_write(_as_sqlalchemy_raises_it(error))


def _app_whose_saves_fail(tmp_path, driver_error: Exception):
    app = make_test_app(tmp_path)
    # As in production: a fault becomes the 500 page instead of reaching the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/test-only/save")
    def save():
        raise _as_sqlalchemy_raises_it(driver_error)

    @app.get("/api/test-only/save")
    def api_save():
        raise _as_sqlalchemy_raises_it(driver_error)

    return app


def test_a_full_disk_answers_a_page_showing_what_was_typed_but_no_secret(tmp_path):
    app = _app_whose_saves_fail(tmp_path, _sqlite_disk_full())
    typed = {
        "first_name": "Samira",
        "story": "I left care at 18.\nCollege helped.",
        "password": "correct horse battery",
        "csrf_token": "form-token-value",
        "consent": "y",
    }
    with app.app_context():
        page = app.test_client().post("/test-only/save", data=typed)
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert page.headers["Cache-Control"] == "no-store"
    assert "We cannot save changes just now" in page.text
    assert "Please try again in a few minutes." in page.text
    assert ">Samira</textarea>" in page.text
    assert "I left care at 18.\nCollege helped.</textarea>" in page.text
    assert "correct horse battery" not in page.text
    assert "form-token-value" not in page.text


@pytest.mark.slow  # the Nu HTML checker is a Java program
def test_the_page_showing_what_was_typed_is_valid_html(tmp_path):
    app = _app_whose_saves_fail(tmp_path, _sqlite_disk_full())
    with app.app_context():
        page = app.test_client().post("/test-only/save", data={"story": "One\nTwo"})
    assert page.status_code == 503
    assert " style=" not in page.text
    assert html_errors(page.text) == []


def test_the_api_answers_503_in_its_own_error_format(tmp_path):
    app = _app_whose_saves_fail(tmp_path, psycopg.errors.ReadOnlySqlTransaction("read-only"))
    with app.app_context():
        answer = app.test_client().get("/api/test-only/save")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert answer.json == {
        "error": "unavailable",
        "message": "We cannot save changes just now. Please try again in a few minutes.",
        "status": 503,
    }


def test_any_other_database_error_is_still_a_fault(tmp_path):
    app = _app_whose_saves_fail(tmp_path, sqlite3.OperationalError("no such table: events"))
    with app.app_context():
        page = app.test_client().post("/test-only/save", data={"first_name": "Samira"})
        answer = app.test_client().get("/api/test-only/save")
    assert page.status_code == 500
    assert "Sorry, something went wrong on our side" in page.text
    assert answer.status_code == 500
    assert answer.json["error"] == "server"


def test_a_first_question_that_cannot_be_saved_still_leaves_the_ticket(tmp_path):
    app = make_test_app(tmp_path)

    def disk_full(registration, text, *, now):
        raise _as_sqlalchemy_raises_it(_sqlite_disk_full())

    use_first_question_sender(app, disk_full)
    with app.app_context():
        event = make_event(qa_enabled=True, qa_askers=QuestionAskers.TICKET_HOLDERS)
        client = app.test_client()
        signed = client.post(
            f"/events/{event.slug}/register",
            data={"first_name": "Samira", "email": "samira@example.com", "first_question": "Hi?"},
        )
        # The ticket stands; like every sign-up page, this one does not speak of the question
        # (that would tell a new address from one already signed up).
        assert signed.status_code == 200
        assert "Check your email" in signed.text
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
