"""A database the site cannot write: every page still shows, and a change answers 503 with the
form drawn again as it was typed. SQLite read-only file or folder, and PostgreSQL read-only."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from nclw.accounts.email_links import request_sign_in_link
from nclw.errors import RETRY_AFTER_SECONDS
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.questions.models import Question
from nclw.registrations.models import Registration
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.e2e.signup_storm import Attempt, server_env
from tests.factories import make_event, make_user
from tests.support.ci import unavailable
from tests.support.database import SQLITE_FILE, sqlite_url
from tests.support.live_server import live_server

NAME = "Samira"
EMAIL = "samira.typed@example.com"
QUESTION = "How did you find your first job after college?"
ORGANISER = "boss@example.org"
PASSWORD = "correct horse battery"


def _open_event() -> str:
    """An event open for sign-ups where anyone may ask a question, and an organiser; its slug."""
    make_user(email=ORGANISER, password=PASSWORD)
    return make_event(qa_enabled=True, qa_askers=QuestionAskers.ANYONE).slug


def _site_with_one_event(folder: Path) -> str:
    """A SQLite file in `folder` holding one open event (on either test backend); its slug."""
    return _site_with_one_event_and_a_link(folder)[0]


def _site_with_one_event_and_a_link(folder: Path) -> tuple[str, str]:
    """The site of `_site_with_one_event`, and the path of a sign-in link sent to the
    organiser before the database stopped taking changes."""
    folder.mkdir(parents=True, exist_ok=True)
    app = make_test_app(folder, SQLALCHEMY_DATABASE_URI=sqlite_url(folder))
    with app.app_context():
        slug = _open_event()
        request_sign_in_link(ORGANISER, now=utcnow())
        db.session.commit()
        send_pending()
        [email] = list_emails(app.config["MAIL_FILE_DIRECTORY"])
        link = re.search(r"(/sign-in/link/\S+)", email.text).group(1)
        db.session.remove()
        # Closing the last connection folds the write-ahead log into the file and removes
        # the log and its index, as when the site is stopped.
        db.engine.dispose()
    return slug, link


def _pages(slug: str) -> list[str]:
    return [
        "/",
        f"/events/{slug}",
        f"/events/{slug}/register",
        "/api/events",
        f"/api/events/{slug}",
    ]


def _reads_work_and_changes_keep_the_typing(client: FlaskClient, slug: str) -> None:
    for page in _pages(slug):
        assert client.get(page).status_code == 200, page

    signed = client.post(f"/events/{slug}/register", data={"first_name": NAME, "email": EMAIL})
    assert signed.status_code == 503
    assert signed.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "We cannot save changes just now. Nothing you typed is lost." in signed.text
    assert f'value="{NAME}"' in signed.text
    assert f'value="{EMAIL}"' in signed.text

    asked = client.post(
        f"/events/{slug}/questions/ask", data={"body": QUESTION, "display_name": NAME}
    )
    assert asked.status_code == 503
    assert asked.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert f"{QUESTION}</textarea>" in asked.text
    assert f'value="{NAME}"' in asked.text

    # The emails that sign staff in or let them choose a new password cannot be queued:
    # the form comes back as typed, saying why, rather than a page without it.
    for form_page in ("/account/reset", "/sign-in/link"):
        asked = client.post(form_page, data={"email": ORGANISER})
        assert asked.status_code == 503, form_page
        assert asked.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "We cannot save changes just now. Nothing you typed is lost." in asked.text
        assert f'value="{ORGANISER}"' in asked.text, form_page

    # Staff can still sign in and read the back office.
    signed_in = client.post("/sign-in", data={"email": ORGANISER, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/events").status_code == 200
    # And sign out: this browser is signed out all the same, and told what could not be done.
    signed_out = client.post("/sign-out")
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/sign-in"
    told = client.get("/sign-in").text
    assert "You have signed out here. We cannot save changes just now" in told
    assert client.get("/admin/").status_code == 302

    # Rolled back: the same app reads on, and nothing was written.
    assert client.get(f"/events/{slug}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_a_read_only_database_file_keeps_the_site_readable(tmp_path, journal_mode):
    """In either journal mode: the site turns WAL on itself, but a file restored from a
    backup may come back in SQLite's default mode, which a read-only file cannot change."""
    slug, link = _site_with_one_event_and_a_link(tmp_path)
    with closing(sqlite3.connect(tmp_path / SQLITE_FILE)) as connection:
        connection.execute(f"PRAGMA journal_mode={journal_mode}")
    # SQLite's read-only mode rather than chmod, which does not stop root (the tests may run
    # as root): writes are refused with the same error as for a file the site cannot write.
    read_only = f"sqlite:///file:{tmp_path / SQLITE_FILE}?mode=ro&uri=true"
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=read_only)
    with app.app_context():
        _reads_work_and_changes_keep_the_typing(app.test_client(), slug)
        # A sign-in link is used up as it signs in, which cannot be saved: its button again,
        # saying why, and nobody signed in.
        client = app.test_client()
        pressed = client.post(link)
        assert pressed.status_code == 503
        assert "We cannot save changes just now." in pressed.text
        assert "This link signs you in once." in pressed.text
        assert client.get("/admin/").status_code == 302


@pytest.mark.postgres
def test_a_read_only_postgres_database_keeps_the_site_readable(tmp_path, postgres_database_url):
    # A database of its own: the setting makes every new connection to it read-only, as an
    # operator freezing it (or a standby) does, the site's page-stamp connection included.
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    name = sa.make_url(postgres_database_url).database
    with app.app_context():
        slug = _open_event()
        db.session.execute(
            sa.text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
        assert db.session.scalar(sa.text("SHOW default_transaction_read_only")) == "on"
        client = app.test_client()
        _reads_work_and_changes_keep_the_typing(client, slug)

        # Writable again: saving starts again without a restart. A pooled connection that
        # began read-only may refuse once more, and that refusal replaces them all.
        admin_url = sa.make_url(postgres_database_url).set(drivername="postgresql")
        with psycopg.connect(admin_url.render_as_string(hide_password=False)) as admin:
            admin.execute("SET TRANSACTION READ WRITE")
            admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        form = {"first_name": NAME, "email": EMAIL}
        tries = [client.post(f"/events/{slug}/register", data=form) for _ in range(2)]
        assert 200 in [answer.status_code for answer in tries]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


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
            form = f"{server.url}/events/{slug}/register"
            person.fetch_form(form)
            person.submit(form)
            log = server.log()
    finally:
        instance.chmod(0o755)
        database.chmod(0o644)
    assert person.status == 503, log
    assert person.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert 'value="Sam"' in person.body
    assert f'value="{EMAIL}"' in person.body
    assert "Traceback" not in log
