"""A database the site cannot write: every page still shows (SQLite read-only file or folder)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from nclw.events.models import QuestionAskers
from nclw.extensions import db
from tests.conftest import make_test_app
from tests.e2e.signup_storm import Attempt, server_env
from tests.factories import make_event
from tests.support.ci import unavailable
from tests.support.database import SQLITE_FILE
from tests.support.live_server import live_server

EMAIL = "samira.typed@example.com"


def _open_event() -> str:
    """An event open for sign-ups where anyone may ask a question; its slug."""
    return make_event(qa_enabled=True, qa_askers=QuestionAskers.ANYONE).slug


def _site_with_one_event(folder: Path) -> str:
    app = make_test_app(folder)
    with app.app_context():
        slug = _open_event()
        db.session.remove()
        # Closing the last connection folds the write-ahead log into the file and removes
        # the log and its index, as when the site is stopped.
        db.engine.dispose()
    return slug


def _pages(slug: str) -> list[str]:
    return [
        "/",
        f"/events/{slug}",
        f"/events/{slug}/register",
        "/api/events",
        f"/api/events/{slug}",
    ]


def _reads_work(client: FlaskClient, slug: str) -> None:
    for page in _pages(slug):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_a_read_only_database_file_keeps_the_site_readable(tmp_path, journal_mode):
    """In either journal mode: the site turns WAL on itself, but a file restored from a
    backup may come back in SQLite's default mode, which a read-only file cannot change."""
    slug = _site_with_one_event(tmp_path)
    with closing(sqlite3.connect(tmp_path / SQLITE_FILE)) as connection:
        connection.execute(f"PRAGMA journal_mode={journal_mode}")
    # SQLite's read-only mode rather than chmod, which does not stop root (the tests may run
    # as root): writes are refused with the same error as for a file the site cannot write.
    read_only = f"sqlite:///file:{tmp_path / SQLITE_FILE}?mode=ro&uri=true"
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=read_only)
    with app.app_context():
        _reads_work(app.test_client(), slug)


def _file_modes_bind(folder: Path) -> list[str]:
    """What to run the site under so that file modes bind it, as they bind its own user.

    Root ignores file modes; without that one right it is held to them like anyone else.
    """
    run_as: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            unavailable("running as root, and setpriv is missing to make file modes bind")
        rights = "-dac_override,-dac_read_search"
        run_as = [setpriv, f"--bounding-set={rights}", f"--inh-caps={rights}"]
    probe = subprocess.run(
        [*run_as, sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"],
        capture_output=True,
        text=True,
        check=False,
    )
    if "PermissionError" not in probe.stderr:
        unavailable(f"a read-only folder could still be written here: {probe.stderr[-300:]}")
    return run_as


@pytest.mark.slow
def test_a_database_in_a_folder_the_site_cannot_write_keeps_every_page(tmp_path):
    """The operator's case: the file made 444 and its folder 555, and the site started on it.

    SQLite cannot even read a database in WAL mode there, unless it is told that nobody
    writes it (see nclw.sqlite).
    """
    instance = tmp_path / "instance"
    slug = _site_with_one_event(instance)
    database = instance / SQLITE_FILE
    assert not Path(f"{database}-shm").exists()  # else SQLite could read through it
    database.chmod(0o444)
    instance.chmod(0o555)
    try:
        run_as = _file_modes_bind(instance)
        env = server_env(f"sqlite:///{database}", instance)
        with live_server(env, workers=1, run_as=run_as) as server:
            person = Attempt(EMAIL)
            for page in _pages(slug):
                assert person.get(server.url + page)[0] == 200, (page, server.log())
            log = server.log()
    finally:
        instance.chmod(0o755)
        database.chmod(0o644)
    assert "Traceback" not in log
