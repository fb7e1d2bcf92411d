"""`flask nclw backup` and `restore`: a copy that restores, and deletions that stay deleted."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.personal_data import delete_my_details
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.ops.helpers import mark_migrated
from tests.support.database import sqlite_url


def _app_on(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    return make_test_app(folder, SQLALCHEMY_DATABASE_URI=sqlite_url(folder))


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["nclw", *args])
    return result.exit_code, result.output


def _tickets(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {
            reference: (email, status)
            for reference, email, status in db.session.execute(
                sa.select(Registration.reference, Registration.email, Registration.status)
            )
        }


def test_a_backup_restores_into_an_empty_database(tmp_path):
    site = _app_on(tmp_path / "site")
    with site.app_context():
        db.create_all()
        mark_migrated()
        event = make_event(capacity=3)
        for _ in range(3):
            make_registration(event)
        make_registration(event, status=RegistrationStatus.WAITING)
    code, output = _run(site, "backup", str(tmp_path / "backups" / "monday.sqlite"))
    assert code == 0, output
    assert "Backed up the sqlite database" in output
    assert not list((tmp_path / "backups").glob("*.partial"))

    fresh = _app_on(tmp_path / "fresh")
    with fresh.app_context():
        db.drop_all()
    code, output = _run(fresh, "restore", str(tmp_path / "backups" / "monday.sqlite"))
    assert code == 0, output
    assert _tickets(fresh) == _tickets(site)
    with fresh.app_context():
        assert db.session.scalar(sa.text("SELECT confirmed_count FROM events")) == 3


def test_a_restore_will_not_replace_a_live_database_without_force(tmp_path):
    site = _app_on(tmp_path / "site")
    with site.app_context():
        db.create_all()
        mark_migrated()
        make_registration(make_event())
    _run(site, "backup", str(tmp_path / "b.sqlite"))
    with site.app_context():
        make_registration(db.session.get(Registration, 1).event)
    code, output = _run(site, "restore", str(tmp_path / "b.sqlite"))
    assert code == 1
    assert "This database holds data" in output and "--force" in output
    assert len(_tickets(site)) == 2  # nothing was touched
    code, output = _run(site, "restore", str(tmp_path / "b.sqlite"), "--force")
    assert code == 0, output
    assert len(_tickets(site)) == 1


def test_details_deleted_after_the_backup_stay_deleted_after_a_restore(tmp_path):
    site = _app_on(tmp_path / "site")
    with site.app_context():
        db.create_all()
        mark_migrated()
        event = make_event()
        keep = make_registration(event, email="stays@example.com")
        gone = make_registration(event, email="asked-to-go@example.com")
        keep_reference, gone_reference = keep.reference, gone.reference
    _run(site, "backup", str(tmp_path / "before.sqlite"))
    with site.app_context():
        delete_my_details(db.session.get(Registration, gone.id), now=utcnow())
        db.session.commit()

    code, output = _run(site, "restore", str(tmp_path / "before.sqlite"), "--force")
    assert code == 0, output
    assert "Deleted the details of 1 people again" in output
    tickets = _tickets(site)
    assert tickets[keep_reference] == ("stays@example.com", RegistrationStatus.CONFIRMED)
    assert tickets[gone_reference] == ("", RegistrationStatus.CANCELLED)
    assert "asked-to-go@example.com" not in str(tickets)


def test_a_file_that_is_not_a_backup_is_refused_with_a_message(tmp_path):
    site = _app_on(tmp_path / "site")
    with site.app_context():
        db.drop_all()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database at all " * 200)
    code, output = _run(site, "restore", str(junk))
    assert code == 1
    assert "is not a" in output and "Traceback" not in output
    code, output = _run(site, "restore", str(tmp_path / "missing.sqlite"))
    assert code == 2 and "does not exist" in output


def test_a_backup_into_a_folder_is_dated_and_old_ones_are_deleted(tmp_path):
    site = _app_on(tmp_path / "site")
    site.config["BACKUP_KEEP_DAYS"] = 30
    with site.app_context():
        db.create_all()
        mark_migrated()
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "nclw-20200101-020000.sqlite"
    old.write_bytes(b"an old backup")
    recent = folder / f"nclw-{utcnow():%Y%m%d}-000000.sqlite"
    recent.write_bytes(b"a recent backup")
    someone_elses = folder / "notes-20200101.txt"
    someone_elses.write_text("not ours")
    code, output = _run(site, "backup", str(folder))
    assert code == 0, output
    assert "Deleted nclw-20200101-020000.sqlite: it was more than 30 days old." in output
    assert not old.exists() and recent.exists() and someone_elses.exists()
    (made,) = [p for p in folder.glob("nclw-*.sqlite") if p != recent]
    assert made.stat().st_size > 0


def test_the_privacy_notice_says_how_long_backups_are_kept(app, client):
    app.config["BACKUP_KEEP_DAYS"] = 21
    page = client.get("/privacy").get_data(as_text=True)
    assert "We keep copies (backups) of our records for 21 days" in page
    assert "they stay deleted even if we ever have to go back to an older copy" in page
