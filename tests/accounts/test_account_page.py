"""Every signed-in person has an account page: name, password, signing out everywhere."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.accounts import services
from nclw.accounts.models import Role, User
from nclw.extensions import db
from nclw.timezones import utcnow
from tests.factories import make_organisation, make_user
from tests.support.html_validation import html_errors_many

PASSWORD = "correct horse battery"
NEW = "a new long passphrase"


def _sign_in(client, email, password=PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_change_name_and_password_and_other_devices_are_signed_out(app):
    make_user(Role.PARTNER, organisation=make_organisation(), email="sam@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    assert _sign_in(here, "sam@example.org").status_code == 302
    assert _sign_in(elsewhere, "sam@example.org").status_code == 302
    page = here.get("/account")
    assert page.status_code == 200 and "sam@example.org" in page.text

    named = here.post("/account/name", data={"name-name": "  Sam   Patel "}, follow_redirects=True)
    assert "Your name is saved." in named.text
    assert db.session.scalar(sa.select(User.name)) == "Sam Patel"

    wrong = here.post(
        "/account/password",
        data={
            "pw-current": "not it",
            "pw-password": "a new long passphrase",
            "pw-confirm": "a new long passphrase",
        },
    )
    assert wrong.status_code == 400 and "Your current password is not right." in wrong.text
    changed = here.post(
        "/account/password",
        data={
            "pw-current": PASSWORD,
            "pw-password": "a new long passphrase",
            "pw-confirm": "a new long passphrase",
        },
        follow_redirects=True,
    )
    assert "Your password has changed. Other devices are signed out." in changed.text
    assert here.get("/account").status_code == 200  # still signed in here
    assert elsewhere.get("/account").status_code == 404  # signed out there
    assert services.authenticate("sam@example.org", NEW, now=utcnow())
    pages = {"account": page.text, "wrong": wrong.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_sign_out_everywhere_ends_this_session_too(app):
    make_user(email="boss@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    _sign_in(here, "boss@example.org")
    _sign_in(elsewhere, "boss@example.org")
    out = here.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out on every device." in out.text
    assert here.get("/admin/").status_code == 302
    assert elsewhere.get("/admin/").status_code == 302
