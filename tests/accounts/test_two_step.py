"""Two-step sign-in through the pages: setting it up, signing in with a code or a recovery
code, the one-time link and the password reset, the pause, and organisers who must use it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask, current_app

from nclw.accounts import pending_sign_in, two_step
from nclw.accounts.models import RecoveryCode, Role, User
from nclw.extensions import db, limiter
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.timezones import utcnow
from tests.conftest import login, make_test_app
from tests.factories import make_user
from tests.support.html_validation import html_errors_many

PASSWORD = "correct horse battery"
RECOVERY_CODE = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def _with_two_step(**overrides) -> tuple[User, list[str]]:
    """A user with two-step on, set up with the code of the step before this one: so the
    code the app shows now has not been used yet."""
    user = make_user(password=PASSWORD, **overrides)
    two_step.begin_two_step(user)
    earlier = utcnow() - timedelta(seconds=30)
    codes = two_step.turn_on_two_step(user, _app_code(user, earlier), now=earlier)
    db.session.commit()
    return user, codes


def _app_code(user: User, at=None) -> str:
    """What the person's authenticator app shows."""
    return pyotp.TOTP(user.totp_secret).at(at or utcnow())


def _from(ip: str | None) -> dict:
    # A signed-in session is tied to its network address (Flask-Login's strong protection):
    # only the rate-limit test, before anyone is signed in, moves between addresses.
    return {"environ_base": {"REMOTE_ADDR": ip}} if ip else {}


def _sign_in(client, email, password=PASSWORD, ip=None):
    return client.post("/sign-in", data={"email": email, "password": password}, **_from(ip))


def _code(client, code, ip=None):
    return client.post("/sign-in/code", data={"code": code}, **_from(ip))


def _wrong(user: User) -> str:
    """Six digits that are none of the codes the app shows about now."""
    totp, now = pyotp.TOTP(user.totp_secret), utcnow()
    near = {totp.at(now + timedelta(seconds=30 * step)) for step in range(-2, 3)}
    return next(code for code in ("000000", "111111", "222222") if code not in near)


def _link(path_part: str) -> str:
    """The link in the newest email that carries one, as its reader would find it."""
    send_pending()
    for email in list_emails(current_app.config["MAIL_FILE_DIRECTORY"]):
        match = re.search(rf"http://nclw\.test(/{path_part}/\S+)", email.text)
        if match:
            return match.group(1)
    raise AssertionError(f"no email with a /{path_part}/ link")


def test_turning_it_on_from_the_account_page(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(Role.PARTNER, password=PASSWORD)
    login(client, user)
    account = client.get("/account")
    assert "Two-step sign-in is off" in account.text
    assert 'action="/account/two-step/start"' in account.text

    start_page = client.get("/account/two-step")
    assert start_page.status_code == 200 and "authenticator app" in start_page.text
    assert client.post("/account/two-step/start").headers["Location"] == "/account/two-step"
    db.session.expire_all()
    secret = db.session.get(User, user.id).totp_secret
    page = client.get("/account/two-step")
    assert page.status_code == 200
    # The QR code is drawn into the page, labelled for screen readers; the key is written out.
    assert re.search(r'role="img" aria-label="QR code[^"]*">\s*<svg', page.text)
    written_out = " ".join(secret[n : n + 4] for n in range(0, 32, 4))
    assert written_out in page.text
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    # Reloading the page shows the same secret: only the button makes a new one.
    assert written_out in client.get("/account/two-step").text

    wrong = client.post(
        "/account/two-step/confirm", data={"code": _wrong(db.session.get(User, user.id))}
    )
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    short = client.post("/account/two-step/confirm", data={"code": "12345"})
    assert short.status_code == 400 and "Enter the 6 digits your app shows" in short.text
    assert not db.session.get(User, user.id).two_step_on

    done = client.post("/account/two-step/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "Two-step sign-in is on" in done.text
    codes = RECOVERY_CODE.findall(done.text)
    assert len(codes) == 10
    db.session.expire_all()
    assert db.session.get(User, user.id).two_step_on
    stored = set(db.session.scalars(sa.select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not stored & set(codes)

    # Still signed in here, with the account's new session token.
    on = client.get("/account")
    assert on.status_code == 200 and "You have 10 unused recovery codes." in on.text
    assert secret not in caplog.text
    pages = {
        "start": start_page.text,
        "set up": page.text,
        "wrong": wrong.text,
        "codes": done.text,
        "account": on.text,
    }
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_sign_in_asks_for_the_code_after_the_password(app, client):
    user, _ = _with_two_step(email="sam@example.org")
    first = client.post(
        "/sign-in",
        data={"email": "sam@example.org", "password": PASSWORD},
        query_string={"next": "/admin/audit"},
    )
    assert first.status_code == 302 and first.headers["Location"] == "/sign-in/code"
    # Not signed in yet: the back office still asks to sign in.
    assert client.get("/admin/").status_code == 302
    page = client.get("/sign-in/code")
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in page.text
    assert "Use a recovery code instead" in page.text

    code = _app_code(user)
    wrong = _code(client, _wrong(user))
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    right = _code(client, code[:3] + " " + code[3:])
    assert right.status_code == 302 and right.headers["Location"] == "/admin/audit"
    assert client.get("/admin/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).last_sign_in_at is not None

    # The same code, in a second sign-in (in the same 30 seconds), is refused.
    other = app.test_client()
    assert _sign_in(other, "sam@example.org").headers["Location"] == "/sign-in/code"
    replay = _code(other, code)
    assert replay.status_code == 400 and "That code is not right" in replay.text
    assert other.get("/admin/").status_code == 302
    pages = {"code": page.text, "wrong": wrong.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(app):
    user, codes = _with_two_step(email="sam@example.org")
    client = app.test_client()
    _sign_in(client, "sam@example.org")
    page = client.get("/sign-in/recovery-code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    used = client.post(
        "/sign-in/recovery-code", data={"recovery_code": codes[0]}, follow_redirects=True
    )
    assert "You have used a recovery code. You have 9 left." in used.text
    assert client.get("/admin/").status_code == 200

    again = app.test_client()
    _sign_in(again, "sam@example.org")
    refused = again.post("/sign-in/recovery-code", data={"recovery_code": codes[0]})
    assert refused.status_code == 400 and "has been used already" in refused.text
    assert again.get("/admin/").status_code == 302

    for code in codes[1:7]:
        two_step.sign_in_with_recovery_code(user, code, now=utcnow())
    db.session.commit()
    low = again.post(
        "/sign-in/recovery-code", data={"recovery_code": codes[7]}, follow_redirects=True
    )
    assert "Only 2 left: make a new set soon" in low.text
    account = again.get("/account")
    assert "You have 2 unused recovery codes." in account.text
    assert "Make a new set" in account.text
    pages = {"recovery": page.text, "refused": refused.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_a_new_set_of_recovery_codes_from_the_account_page(app, client):
    user, old = _with_two_step()
    login(client, user)
    page = client.get("/account/two-step/recovery-codes")
    assert page.status_code == 200 and "old codes stop working" in page.text
    new = RECOVERY_CODE.findall(client.post("/account/two-step/recovery-codes").text)
    assert len(new) == 10 and not set(new) & set(old)
    assert two_step.recovery_codes_left(user) == 10
    for code in old:
        with pytest.raises(two_step.InvalidInput):
            two_step.sign_in_with_recovery_code(user, code, now=utcnow())
    assert html_errors_many({"renew": page.text}) == {"renew": []}


def test_a_half_done_sign_in_expires(app, client):
    _with_two_step(email="sam@example.org")
    _sign_in(client, "sam@example.org")
    with client.session_transaction() as session:
        pending = dict(session[pending_sign_in.PENDING])
        pending["at"] -= 6 * 60
        session[pending_sign_in.PENDING] = pending
    late = client.get("/sign-in/code", follow_redirects=True)
    assert late.request.path == "/sign-in"
    assert "The code must be typed within 5 minutes" in late.text
    # Without a password first there is nothing to finish.
    assert app.test_client().get("/sign-in/recovery-code").headers["Location"] == "/sign-in"


def test_a_changed_password_ends_a_half_done_sign_in(app, client):
    user, _ = _with_two_step(email="sam@example.org")
    _sign_in(client, "sam@example.org")
    user.session_token = "changed elsewhere"
    db.session.commit()
    assert _code(client, _app_code(user)).headers["Location"] == "/sign-in"
    assert client.get("/admin/").status_code == 302


def test_a_one_time_sign_in_link_still_asks_for_the_code(app, client):
    user, _ = _with_two_step(email="sam@example.org")
    client.post("/sign-in/link", data={"email": "sam@example.org"})
    link = _link("sign-in/link")
    pressed = client.post(link)
    assert pressed.status_code == 302 and pressed.headers["Location"] == "/sign-in/code"
    assert client.get("/admin/").status_code == 302
    assert _code(client, _app_code(user)).headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_reset_does_not_skip_the_code(app, client):
    user, _ = _with_two_step(email="sam@example.org")
    client.post("/account/reset", data={"email": "sam@example.org"})
    link = _link("account/reset")
    new = "a brand new passphrase"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert client.get("/admin/").status_code == 302
    signed = _sign_in(client, "sam@example.org", new)
    assert signed.headers["Location"] == "/sign-in/code"
    assert client.get("/admin/").status_code == 302


def test_organisers_must_set_it_up_before_the_back_office_when_required(app, client):
    app.config["TWO_STEP_REQUIRED_FOR_ORGANISERS"] = True
    make_user(email="boss@example.org", password=PASSWORD)
    signed_in = _sign_in(client, "boss@example.org")
    sent = client.get(signed_in.headers["Location"], follow_redirects=True)
    assert sent.request.path == "/account/two-step"
    assert "Turn on two-step sign-in to use the back office." in sent.text
    assert "Organisers must use two-step sign-in" in sent.text

    # Every back-office page, those of the questions and proposals areas too; they refuse
    # before looking anything up, so any id will do.
    admin_pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and "GET" in rule.methods
    ]
    assert len(admin_pages) > 20
    assert any("/questions" in page for page in admin_pages)
    for rule in admin_pages:
        path = re.sub(r"<(?:\w+:)?\w+>", "1", rule)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-step", path
    assert client.get("/account").status_code == 200

    client.post("/account/two-step/start")
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    client.post("/account/two-step/confirm", data={"code": _app_code(user)})
    assert client.get("/admin/").status_code == 200

    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 404


def test_partners_are_not_made_to_use_it(app, client):
    app.config["TWO_STEP_REQUIRED_FOR_ORGANISERS"] = True
    make_user(Role.PARTNER, email="p@example.org", password=PASSWORD)
    assert _sign_in(client, "p@example.org").headers["Location"] == "/partner/"
    assert client.get("/partner/").status_code == 200


def test_turning_it_off_needs_the_password(app, client):
    user, _ = _with_two_step()
    login(client, user)
    page = client.get("/account/two-step/off")
    assert page.status_code == 200
    nothing = client.post("/account/two-step/off", data={})
    assert nothing.status_code == 400 and "Enter your password or a code" in nothing.text
    wrong = client.post("/account/two-step/off", data={"password": "not my password"})
    assert wrong.status_code == 400 and "That password or code is not right." in wrong.text
    db.session.expire_all()
    assert db.session.get(User, user.id).two_step_on

    off = client.post("/account/two-step/off", data={"password": PASSWORD}, follow_redirects=True)
    assert "Two-step sign-in is off." in off.text
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_step_on
    assert client.get("/account/two-step/off").headers["Location"] == "/account"
    pages = {"off": page.text, "wrong": wrong.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


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


def test_wrong_codes_count_toward_the_sign_in_pause(limited_app):
    user, _ = _with_two_step(email="boss@example.org")
    wrong = _wrong(user)
    # Someone who has the password guesses codes: one place is slowed down after five.
    guesser = limited_app.test_client()
    assert _sign_in(guesser, "boss@example.org", ip="203.0.113.1").status_code == 302
    from_one_place = [_code(guesser, wrong, ip="203.0.113.1").status_code for _ in range(6)]
    assert from_one_place == [400] * 5 + [429]
    # From other places the guesses go on, and count with the wrong passwords.
    assert [_code(guesser, wrong, ip="203.0.113.2").status_code for _ in range(3)] == [400] * 3

    owner = limited_app.test_client()
    paused = _sign_in(owner, "boss@example.org", ip="198.51.100.20")
    assert paused.status_code == 429 and "Signing in with a password is paused" in paused.text
    at_the_code = _code(guesser, _app_code(user), ip="203.0.113.3")
    assert at_the_code.status_code == 429 and 'value="boss@example.org"' in at_the_code.text

    # The owner still gets in, with a link by email and their code.
    owner.post(
        "/sign-in/link",
        data={"email": "boss@example.org"},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert owner.post(_link("sign-in/link")).headers["Location"] == "/sign-in/code"
    done = _code(owner, _app_code(user), ip="198.51.100.20")
    assert done.status_code == 302 and done.headers["Location"] == "/admin/"
