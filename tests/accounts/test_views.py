"""Signing in and out, invitations and resets through the pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import current_app

from nclw import config
from nclw.accounts import invitations, services
from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.mail.models import OutboxMessage
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_organisation, make_user

PASSWORD = "purple tractor singing"


def _sign_in(client, email, password=PASSWORD, **query):
    return client.post("/sign-in", data={"email": email, "password": password}, query_string=query)


def test_an_organiser_signs_in_to_the_back_office(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    response = _sign_in(client, "sam@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b"Sign out" in page.data and b"Back office" in page.data


def test_a_partner_goes_to_the_partner_area(app, client):
    make_user(Role.PARTNER, email="p@example.org", password=PASSWORD)
    assert _sign_in(client, "p@example.org").headers["Location"] == "/partner/"


def test_wrong_details_do_not_say_which_was_wrong(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    for email, password in [("sam@example.org", "wrong password"), ("x@example.org", PASSWORD)]:
        response = _sign_in(client, email, password)
        assert response.status_code == 400
        assert b"The email address or password is not right." in response.data
        assert email.encode() in response.data  # what was typed is kept


def test_sign_in_starts_a_fresh_session(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    _sign_in(client, "sam@example.org")
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"].startswith(f"{services.find_user_by_email('sam@example.org').id}:")


def test_next_only_goes_to_this_site(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    assert _sign_in(client, "sam@example.org", next="/admin/audit").headers["Location"] == (
        "/admin/audit"
    )
    client.post("/sign-out")
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert _sign_in(client, "sam@example.org", next=evil).headers["Location"] == "/admin/"
        client.post("/sign-out")


def test_an_old_cookie_stops_working_after_sign_out(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    _sign_in(client, "sam@example.org")
    with client.session_transaction() as signed_in:
        stolen = dict(signed_in)
    assert client.post("/sign-out").status_code == 302
    with client.session_transaction() as replay:
        replay.update(stolen)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_sign_out_is_post_only(app, client):
    assert client.get("/sign-out").status_code == 405


def test_sign_in_is_rate_limited_per_email(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        make_user(email="sam@example.org", password=PASSWORD)
        client = app.test_client()
        codes = [_sign_in(client, "sam@example.org", "wrong", **{}).status_code for _ in range(6)]
        assert codes[:5] == [400] * 5 and codes[5] == 429
        # From another address (another key), the same IP may still try.
        assert _sign_in(client, "other@example.org", "wrong").status_code == 400
        db.session.remove()
        db.engine.dispose()


@pytest.mark.thorough  # eleven sign-ins, each a real password check
def test_sign_in_is_rate_limited_per_ip(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        codes = [_sign_in(client, f"p{n}@example.org", "wrong").status_code for n in range(11)]
        assert codes[:10] == [400] * 10 and codes[10] == 429
        db.session.remove()
        db.engine.dispose()


def test_the_sign_in_form_needs_its_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(email="sam@example.org", password=PASSWORD)
        response = _sign_in(app.test_client(), "sam@example.org")
        assert response.status_code == 400
        db.session.remove()
        db.engine.dispose()


def test_session_cookies_are_secure_outside_development(monkeypatch, tmp_path):
    monkeypatch.setenv("NCLW_ENV", "production")
    settings = config.load_settings(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_session_cookie_flags_on_sign_in(tmp_path):
    app = make_test_app(tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        make_user(email="sam@example.org", password=PASSWORD)
        response = _sign_in(app.test_client(), "sam@example.org")
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        db.session.remove()
        db.engine.dispose()


def _link(path_part: str) -> str:
    """The link in the newest email that carries one, as its reader would find it."""
    send_pending()
    for email in list_emails(current_app.config["MAIL_FILE_DIRECTORY"]):
        match = re.search(rf"http://nclw\.test(/{path_part}/\S+)", email.text)
        if match:
            return match.group(1)
    raise AssertionError(f"no email with a /{path_part}/ link")


def test_an_invited_partner_sets_a_password_and_is_signed_in(app, client):
    organiser = make_user()
    organisation = make_organisation(name="Catch22")
    invitations.invite_user(
        "new@example.org",
        role=Role.PARTNER,
        organisation=organisation,
        actor=organiser,
        now=utcnow(),
    )
    db.session.commit()
    link = _link("account/invite")
    page = client.get(link)
    assert page.status_code == 200 and b"new@example.org" in page.data
    weak = client.post(link, data={"name": "Nia", "password": "password1", "confirm": "password1"})
    assert weak.status_code == 400 and b"too common" in weak.data
    done = client.post(link, data={"name": "Nia", "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/partner/"
    with client.session_transaction() as signed_in:
        assert signed_in.get("_user_id")
    assert client.get(link).status_code == 404  # used once


def test_reset_page_does_not_reveal_whether_an_account_exists(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    known = client.post("/account/reset", data={"email": "sam@example.org"})
    unknown = client.post("/account/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.data.replace(b"sam@example.org", b"X") == unknown.data.replace(
        b"nobody@example.org", b"X"
    )
    # Both asks did the same: one message queued, written only when sent.
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
    send_pending()
    assert [e.to for e in list_emails(current_app.config["MAIL_FILE_DIRECTORY"])] == [
        "sam@example.org"
    ]


def test_reset_link_sets_a_new_password_once(app, client):
    make_user(email="sam@example.org", password=PASSWORD)
    client.post("/account/reset", data={"email": "sam@example.org"})
    link = _link("account/reset")
    new = "a brand new passphrase"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert _sign_in(client, "sam@example.org", new).status_code == 302
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("path", ["/account/invite/nope", "/account/reset/nope"])
def test_unknown_links_say_they_expired(app, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"This link has expired" in response.data
