"""`flask nclw create-organiser` and `flask nclw purge`."""

from __future__ import annotations

from datetime import timedelta

from nclw.accounts.models import Role
from nclw.accounts.services import authenticate, find_user_by_email
from nclw.extensions import db
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration


def test_create_organiser_from_stdin(app, runner):
    result = runner.invoke(
        args=["nclw", "create-organiser", "first@example.org", "--password-stdin"],
        input="purple tractor singing\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user_by_email("first@example.org")
    assert user.role == Role.ORGANISER
    assert authenticate("first@example.org", "purple tractor singing", now=utcnow()) is user


def test_create_organiser_prompts_and_refuses_weak_passwords(app, runner):
    weak = runner.invoke(
        args=["nclw", "create-organiser", "weak@example.org"], input="password\npassword\n"
    )
    assert weak.exit_code != 0
    assert "too short" in weak.output or "too common" in weak.output
    assert find_user_by_email("weak@example.org") is None
    typed = runner.invoke(
        args=["nclw", "create-organiser", "typed@example.org"],
        input="long enough phrase\nlong enough phrase\n",
    )
    assert typed.exit_code == 0, typed.output
    assert find_user_by_email("typed@example.org") is not None


def test_there_is_no_default_account(app):
    from nclw.accounts.models import User

    assert db.session.query(User).count() == 0


def test_purge_uses_the_retention_setting(app, runner):
    old = make_event(starts_at=utcnow() - timedelta(days=100))
    person = make_registration(old)
    app.config["RETENTION_DAYS"] = 120
    assert "Anonymised 0" in runner.invoke(args=["nclw", "purge"]).output
    result = runner.invoke(args=["nclw", "purge", "--days", "90"])
    assert result.exit_code == 0 and "Anonymised 1" in result.output
    db.session.refresh(person)
    assert person.anonymised_at is not None and person.email == ""


def test_create_organiser_from_a_password_file(app, runner, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("a passphrase from a file\n")
    result = runner.invoke(
        args=["nclw", "create-organiser", "file@example.org", "--password-file", str(secret)]
    )
    assert result.exit_code == 0, result.output
    assert authenticate("file@example.org", "a passphrase from a file", now=utcnow()) is not None
