"""Shared fixtures: an app with an empty database for each test, a client, a CLI runner.

The app and the schema are made once per session; see tests/support/database.py for how each
test still starts from an empty database with real commits."""

from __future__ import annotations

import atexit
import contextvars
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask.testing import FlaskClient as _FlaskClient
from jinja2.bccache import Bucket, BytecodeCache

from nclw import create_app
from nclw.accounts.session_timeouts import start_clock
from nclw.events.shortcut import SharedPageShortcut, shared_page_shortcut
from nclw.extensions import db, limiter
from nclw.render_cache import RenderCache, forget_pages
from nclw.timezones import utcnow
from tests.support import live_server as live_server_module
from tests.support.database import (
    SQLITE_FILE,
    SchemaTemplate,
    create_schema,
    empty_postgres,
    reset_sqlite,
    sqlite_url,
)
from tests.support.html_validation import share_in as share_checker_in
from tests.support.html_validation import start_shared_early as start_shared_checker_early
from tests.support.html_validation import stop_shared as stop_shared_checker
from tests.support.migrated import share_in
from tests.support.route_builders import share_route_builders
from tools.translations import compile_all as compile_catalogues

pytest_plugins = ["tests.support.fixtures"]

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-checks"

# An instance folder of the tests' own: the keys `make run` generated into the developer's
# `instance/` (and its database and mail) must never leak into a test.
os.environ["NCLW_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="nclw-test-instance-")
# Removed when this process ends, so every run (and every parallel worker) leaves /tmp as it was.
atexit.register(shutil.rmtree, os.environ["NCLW_INSTANCE_PATH"], ignore_errors=True)

# `NCLW_TEST_BACKEND=postgres` (make test-postgres) runs the whole suite on PostgreSQL, the
# production database, instead of a SQLite file per test.
TEST_BACKEND = os.environ.get("NCLW_TEST_BACKEND", "sqlite")
_postgres_url: str | None = None
_schema: SchemaTemplate | None = None


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for every app of the session: each new app would otherwise
    compile each template it renders again (the key includes the source's checksum)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_bytecode = _SharedBytecode()
share_route_builders()


def _settings(folder: Path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SITE_URL": "http://nclw.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_SEND_AFTER_COMMIT": False,
        "MAIL_FILE_DIRECTORY": str(folder / "mail"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


def _build(config: dict) -> Flask:
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _bytecode
    return app


@pytest.fixture(scope="session", autouse=True)
def _database_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Create the schema once: a template SQLite file, or one throwaway PostgreSQL database
    for the session (for each xdist worker)."""
    global _postgres_url, _schema
    folder = tmp_path_factory.mktemp("schema")
    if TEST_BACKEND != "postgres":
        _schema = SchemaTemplate(folder, lambda url: _build(_settings(folder, url)))
        yield
        _schema = None
        return
    from tests.support.postgres import drop_database, postgres_url, require_server

    require_server()
    _postgres_url = postgres_url()
    create_schema(_build(_settings(folder, _postgres_url)))
    try:
        yield
    finally:
        drop_database(_postgres_url)
        _postgres_url = None


@pytest.fixture(scope="session", autouse=True)
def _migrated_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[None]:
    """Where the run keeps its one database built by the real migrations, made when a test
    first needs it (tests/support/migrated.py); the xdist workers share the run's folder."""
    run = tmp_path_factory.getbasetemp()
    share_in(run if worker_id == "master" else run.parent)
    yield
    share_in(None)


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


class IsolatedClient(_FlaskClient):
    """A test client whose requests get their own app context, as real requests do.

    The `app` fixture keeps an app context open for the test body; without this, requests
    would share its `g` and database session, and a cached signed-in user would leak across
    requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(tmp_path: Path, **overrides) -> Flask:
    """An app of its own, for a test that needs other settings than the shared `app`.

    Its database is the file `tmp_path/test.sqlite`, copied from the schema template the
    first time (a second app on the same folder shares it, as two processes would), or the
    session's PostgreSQL database, emptied. A database the test brings itself
    (`SQLALCHEMY_DATABASE_URI=...`) gets the schema from `create_all`.
    """
    own_url = _postgres_url or sqlite_url(tmp_path)
    config = _settings(tmp_path, own_url)
    config.update(overrides)
    url = config["SQLALCHEMY_DATABASE_URI"]
    fresh_file = url == own_url and _schema is not None and not (tmp_path / SQLITE_FILE).exists()
    if fresh_file:
        _schema.copy_to(tmp_path / SQLITE_FILE)
    app = _build(config)
    # One limiter serves every app in the process, and only its constructor says its store
    # is alive: a test that found the store down must not leave the next app counting in the
    # fallback (in production there is one app per process).
    limiter._storage_dead = False
    _apps_made.append(app)
    if url == _postgres_url:
        empty_postgres(app)
    elif url != own_url:
        with app.app_context():
            db.create_all()
    return app


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every test that takes the `app` fixture (per xdist worker)."""
    folder = tmp_path_factory.mktemp("shared-app")
    app = _build(_settings(folder, _postgres_url or sqlite_url(folder)))
    app.extensions["tests_limiter_state"] = dict(vars(limiter))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _restore_limiter(app: Flask) -> None:
    """Put the rate limiter back as the shared app left it.

    `limiter` is one object for the process, and each app's `init_app` rewrites its switch
    and storage: a test's own app with rate limits on would otherwise turn them on here.
    """
    vars(limiter).update(app.extensions["tests_limiter_state"])


def _forget_pages(app: Flask) -> None:
    """Drop the render caches and their counters, which live as long as the app."""
    forget_pages(app)
    shortcut = shared_page_shortcut(app)
    assert isinstance(shortcut, SharedPageShortcut)
    shortcut.responses = RenderCache("shared page response")


@pytest.fixture
def app(_shared_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The session's app, as if new: an empty database, nothing cached, its own mail folder,
    and every setting a test changes put back afterwards."""
    with fresh_start(_shared_app, tmp_path):
        yield _shared_app


@contextmanager
def fresh_start(app: Flask, tmp_path: Path) -> Iterator[None]:
    """Run a block on the shared app as a new test would (see the `app` fixture)."""
    settings = dict(app.config)
    if _schema is not None:
        reset_sqlite(app, _schema)
    else:
        empty_postgres(app)
    _forget_pages(app)
    _restore_limiter(app)
    app.config["MAIL_FILE_DIRECTORY"] = str(tmp_path / "mail")
    try:
        with app.app_context():
            yield
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(settings)


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[Flask]:
    """An app of its own, for a test that adds routes or hooks (the shared one has served)."""
    app = make_test_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


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
        start_clock(session, now=utcnow())


_LONG_MARKS = ("e2e", "slow", "postgres")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the long tests first, each group still in pytest-randomly's order.

    With several workers the run ends when the last worker does; a 30-second browser
    journey handed out last would leave the other cores idle while it runs.
    """
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in _LONG_MARKS))


# The run's one HTML checker server (tests/support/html_validation.py): the controller makes
# the folder the processes share it through, and stops it when the run ends.
_CHECKER_FOLDER = "NCLW_TEST_HTML_CHECKER"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        # The site reads compiled catalogues; `make test` builds them, a bare `pytest` here.
        compile_catalogues()
        # Set before the xdist workers start, so that they inherit it.
        os.environ[_CHECKER_FOLDER] = tempfile.mkdtemp(prefix="nclw-html-checker-")
        if getattr(config.option, "numprocesses", None):
            # A run with workers checks pages: the JVM starts while they start.
            start_shared_checker_early(Path(os.environ[_CHECKER_FOLDER]))
    share_checker_in(Path(os.environ[_CHECKER_FOLDER]))
    # Test servers and flask commands are forked from a process that has imported the app
    # (about 0.8 s less for each of some 150); `make bench` and anything else start afresh.
    live_server_module.FORK_FROM_LAUNCHER = True
    if TEST_BACKEND == "postgres":
        # A connection held by an object a test dropped (a streamed response, a throwaway
        # app) is closed by the garbage collector; psycopg reports that as a warning. The
        # fixture above closes what it can reach; this only quiets the rest on this backend.
        config.addinivalue_line(
            "filterwarnings",
            "ignore:Exception ignored in\\x3a <function BaseConnection.__del__"
            ":pytest.PytestUnraisableExceptionWarning",
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and _CHECKER_FOLDER in os.environ:
        folder = Path(os.environ.pop(_CHECKER_FOLDER))
        stop_shared_checker(folder)
        shutil.rmtree(folder, ignore_errors=True)
