"""Resets and sign-in links by email: no answer, timing or write tells who has an account,
nobody can flood an inbox, and wrong passwords from a stranger never lock the owner out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, current_app

from nclw.accounts import email_links
from nclw.extensions import db, limiter
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.mail.models import OutboxMessage
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.support.html_validation import html_errors_many

PASSWORD = "correct horse battery"


def _statements_while(action) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _emails() -> list:
    return list_emails(current_app.config["MAIL_FILE_DIRECTORY"])


@pytest.mark.parametrize(
    "ask", [email_links.request_password_reset, email_links.request_sign_in_link]
)
def test_asking_does_the_same_work_for_an_address_with_no_account(app, ask):
    make_user(email="sam@example.org")
    now = utcnow()

    def asking(address):
        def run():
            ask(address, now=now)
            db.session.commit()

        return run

    known = _statements_while(asking("sam@example.org"))
    unknown = _statements_while(asking("nobody@example.org"))

    assert known == unknown and known
    # Only the sender, later, finds out: one email to the account, none to the stranger.
    send_pending()
    assert [e.to for e in _emails()] == ["sam@example.org"]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_an_address_gets_at_most_one_reset_email_a_quarter_of_an_hour(app):
    make_user(email="sam@example.org")
    # The start of this quarter hour: ten requests a second apart all fall inside it, whatever
    # the clock says when the test runs (from 14:59:55 they would straddle two).
    quarter = email_links.EMAILS_EVERY.total_seconds()
    now = datetime.fromtimestamp(utcnow().timestamp() // quarter * quarter, tz=UTC)
    for n in range(10):
        email_links.request_password_reset(" Sam@Example.org ", now=now + timedelta(seconds=n))
        db.session.commit()
    assert send_pending().sent == 1

    email_links.request_password_reset("sam@example.org", now=now + timedelta(minutes=16))
    db.session.commit()
    assert send_pending(now=now + timedelta(minutes=16)).sent == 1
    assert len(_emails()) == 2


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        SIGN_IN_PAUSE_AFTER="8 per hour",
    )
    with app.app_context():
        limiter.reset()
        yield app
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def _sign_in(app: Flask, address: str, password: str, *, ip: str):
    client = app.test_client()
    return client.post(
        "/sign-in",
        data={"email": address, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_wrong_passwords_from_one_place_never_lock_the_owner_out(limited_app):
    make_user(email="boss@example.org", password=PASSWORD)
    guesses = [
        _sign_in(limited_app, "boss@example.org", f"guess {n}", ip="203.0.113.9").status_code
        for n in range(7)
    ]
    assert guesses[:5] == [400] * 5  # wrong, and said so
    assert guesses[5:] == [429, 429]  # then that place is slowed down

    owner = _sign_in(limited_app, "boss@example.org", PASSWORD, ip="198.51.100.20")
    assert owner.status_code == 302
    # The right password does not count against anyone.
    again = _sign_in(limited_app, "boss@example.org", PASSWORD, ip="198.51.100.20")
    assert again.status_code == 302


@pytest.mark.thorough  # many sign-ins, each a real password check
def test_many_places_guessing_pause_passwords_and_the_owner_gets_in_by_email(limited_app):
    make_user(email="boss@example.org", password=PASSWORD)
    for n in range(8):
        wrong = _sign_in(limited_app, "boss@example.org", "guess", ip=f"203.0.113.{n + 1}")
        assert wrong.status_code == 400

    paused = _sign_in(limited_app, "boss@example.org", PASSWORD, ip="198.51.100.20")
    assert paused.status_code == 429
    assert "Signing in with a password is paused" in paused.text
    assert 'value="boss@example.org"' in paused.text

    client = limited_app.test_client()
    sent = client.post(
        "/sign-in/link",
        data={"email": "boss@example.org"},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert sent.status_code == 200
    assert "If <strong>boss@example.org</strong> has an account" in sent.text
    pages = {"paused": paused.text, "sent": sent.text}
    send_pending()
    [email] = _emails()
    link = re.search(r"http://nclw\.test(/sign-in/link/\S+)", email.text).group(1)

    # Opening the link (as a mail scanner would) signs nobody in; the button does, once.
    page = client.get(link)
    assert page.status_code == 200 and "This link signs you in once" in page.text
    pages["link"] = page.text
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}
    assert client.get("/admin/").status_code == 302
    signed_in = client.post(link, data={})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert limited_app.test_client().get(link).status_code == 404


def test_a_sign_in_link_lasts_a_quarter_of_an_hour_and_only_for_an_active_account(app):
    user = make_user(email="sam@example.org")
    email_links.request_sign_in_link("sam@example.org", now=utcnow())
    db.session.commit()
    send_pending()
    [email] = _emails()
    raw = email.text.split("/sign-in/link/")[1].split()[0]
    written = utcnow()

    assert email_links.sign_in_with_link(raw, now=written + timedelta(minutes=16)) is None
    user.active = False
    db.session.commit()
    assert email_links.sign_in_with_link(raw, now=written + timedelta(minutes=1)) is None
    user.active = True
    db.session.commit()
    assert email_links.sign_in_with_link(raw, now=written + timedelta(minutes=1)) == user
    assert email_links.sign_in_with_link(raw, now=written + timedelta(minutes=2)) is None
