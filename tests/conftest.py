"""Shared fixtures: a fresh app and file database per test, a client, a CLI runner."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask.testing import FlaskClient as _FlaskClient

from nclw import create_app
from nclw.extensions import db

pytest_plugins = ["tests.support.fixtures"]

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-checks"

# `NCLW_TEST_BACKEND=postgres` (make test-postgres) runs the whole suite on PostgreSQL, the
# production database, instead of a SQLite file per test.
TEST_BACKEND = os.environ.get("NCLW_TEST_BACKEND", "sqlite")
_postgres_url: str | None = None


@pytest.fixture(scope="session", autouse=True)
def _database_backend() -> Iterator[None]:
    """On the PostgreSQL backend, one throwaway database for the session, emptied per app."""
    global _postgres_url
    if TEST_BACKEND != "postgres":
        yield
        return
    from tests.support.postgres import drop_database, postgres_url, require_server

    require_server()
    _postgres_url = postgres_url()
    try:
        yield
    finally:
        drop_database(_postgres_url)
        _postgres_url = None


_apps_made: list[Flask] = []


@pytest.fixture(autouse=True)
def _close_database_connections() -> Iterator[None]:
    """Close every connection the test's apps opened, so none is left for the garbage collector
    (psycopg warns about a connection deleted while open, and warnings are errors here)."""
    yield
    while _apps_made:
        made = _apps_made.pop()
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def _empty_all_tables() -> None:
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


class IsolatedClient(_FlaskClient):
    """A test client whose requests get their own app context, as real requests do.

    The `app` fixture keeps an app context open for the test body; without this, requests
    would share its `g` and database session, and a cached signed-in user would leak across
    requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(tmp_path: Path, **overrides) -> Flask:
    """An app on its own SQLite file, with every table created."""
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": _postgres_url or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "SITE_URL": "http://nclw.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_SEND_AFTER_COMMIT": False,
        "MAIL_FILE_DIRECTORY": str(tmp_path / "mail"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    _apps_made.append(app)
    with app.app_context():
        db.create_all()
        if app.config["SQLALCHEMY_DATABASE_URI"] == _postgres_url:
            _empty_all_tables()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def login(client: FlaskClient, user) -> None:
    """Sign a user in on a test client without going through the form."""
    from flask_login.utils import _create_identifier

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def pytest_configure(config: pytest.Config) -> None:
    if TEST_BACKEND == "postgres":
        # A connection held by an object a test dropped (a streamed response, a throwaway
        # app) is closed by the garbage collector; psycopg reports that as a warning. The
        # fixture above closes what it can reach; this only quiets the rest on this backend.
        config.addinivalue_line(
            "filterwarnings",
            "ignore:Exception ignored in\\x3a <function BaseConnection.__del__"
            ":pytest.PytestUnraisableExceptionWarning",
        )
