"""Account rules: passwords, sign-in, invitations and resets, with a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from nclw.accounts import email_links, invitations, services
from nclw.accounts.models import AccountToken, Role, TokenPurpose
from nclw.accounts.passwords import check_password, common_passwords
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.mail.models import OutboxMessage
from nclw.timezones import utcnow
from tests.factories import make_organisation, make_user

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "password", ["short", "password123", "Password1", "qwertyuiop", "aaaaaaaaaaa", "nclw2026"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(InvalidInput):
        check_password(password)


@pytest.mark.parametrize(
    "password",
    ["purple tractor singing", "Tr0ub4dor&3x", "correct horse battery staple " * 5, "abcdefgz"],
)
def test_long_or_uncommon_passwords_are_accepted_without_composition_rules(password):
    check_password(password)


def test_the_email_address_is_not_a_password():
    with pytest.raises(InvalidInput, match="email"):
        check_password("sam.jones@example.org", email="sam.jones@example.org")


def test_the_shipped_list_is_loaded():
    assert len(common_passwords()) > 100
    assert "123456" in common_passwords()


def test_create_user_hashes_with_scrypt_and_refuses_duplicates(app):
    user = services.create_user(
        "Sam@Example.org", "purple tractor singing", role=Role.ORGANISER, actor=None, now=NOW
    )
    assert user.email == "sam@example.org"
    assert user.password_hash.startswith("scrypt:")
    assert "purple" not in user.password_hash
    with pytest.raises(InvalidInput, match="already an account"):
        services.create_user(
            "sam@example.org", "another long phrase", role=Role.ORGANISER, actor=None, now=NOW
        )


def test_partner_users_need_an_organisation(app):
    with pytest.raises(InvalidInput):
        services.create_user(
            "p@example.org", "purple tractor singing", role=Role.PARTNER, actor=None, now=NOW
        )


def test_authenticate(app):
    user = make_user(email="sam@example.org", password="purple tractor singing")
    assert services.authenticate(" SAM@example.org ", "purple tractor singing", now=NOW) is user
    assert user.last_sign_in_at == NOW
    assert services.authenticate("sam@example.org", "wrong", now=NOW) is None
    assert services.authenticate("nobody@example.org", "purple tractor singing", now=NOW) is None
    user.active = False
    assert services.authenticate("sam@example.org", "purple tractor singing", now=NOW) is None


def test_invitations_store_only_a_hash_and_work_once(app):
    organiser = make_user()
    organisation = make_organisation(name="Catch22")
    raw = invitations.invite_user(
        "new@example.org", role=Role.PARTNER, organisation=organisation, actor=organiser, now=NOW
    )
    db.session.commit()
    token = db.session.scalar(sa.select(AccountToken))
    assert token.token_hash != raw and raw not in token.token_hash
    assert token.expires_at == NOW + timedelta(days=7)
    mail = db.session.scalar(sa.select(OutboxMessage))
    assert mail.to_address == "new@example.org"
    assert f"/account/invite/{raw}" in mail.text_body
    assert "Catch22" in mail.text_body

    user = invitations.accept_invite(raw, name="New Person", password="purple tractor", now=NOW)
    assert (user.role, user.organisation_id, user.name) == (
        Role.PARTNER,
        organisation.id,
        "New Person",
    )
    with pytest.raises(NotAllowed):
        invitations.accept_invite(raw, name="Again", password="purple tractor", now=NOW)


def test_invitations_expire(app):
    organiser = make_user()
    raw = invitations.invite_user(
        "late@example.org", role=Role.ORGANISER, organisation=None, actor=organiser, now=NOW
    )
    later = NOW + timedelta(days=7, seconds=1)
    assert services.find_valid_token(raw, TokenPurpose.INVITE, now=later) is None
    with pytest.raises(NotAllowed):
        invitations.accept_invite(raw, name="Late", password="purple tractor", now=later)


def test_cannot_invite_an_existing_account(app):
    organiser = make_user(email="here@example.org")
    with pytest.raises(InvalidInput):
        invitations.invite_user(
            "here@example.org", role=Role.ORGANISER, organisation=None, actor=organiser, now=NOW
        )


def test_password_reset_is_single_use_expiring_and_signs_out_everywhere(app):
    user = make_user(email="sam@example.org")
    old_session = user.session_token
    email_links.request_password_reset("sam@example.org", now=NOW)
    email_links.request_password_reset("nobody@example.org", now=NOW)
    db.session.commit()
    assert send_pending().sent == 1  # the one for an address with no account is dropped
    [mail] = list_emails(current_app.config["MAIL_FILE_DIRECTORY"])
    assert mail.to == "sam@example.org"
    raw = mail.text.split("/account/reset/")[1].split()[0]
    # The link is made when the email is written, and lasts an hour from then.
    written = utcnow()

    with pytest.raises(NotAllowed):
        services.reset_password(raw, "new long password", now=written + timedelta(hours=2))
    services.reset_password(raw, "new long password", now=written + timedelta(minutes=5))
    assert services.authenticate("sam@example.org", "new long password", now=NOW) is user
    assert user.session_token != old_session
    with pytest.raises(NotAllowed):
        services.reset_password(raw, "yet another password", now=written + timedelta(minutes=6))


def test_deactivating_signs_out_and_is_audited(app):
    organiser = make_user()
    other = make_user()
    before = other.session_token
    services.set_user_active(other, False, actor=organiser, now=NOW)
    assert other.active is False and other.session_token != before
    with pytest.raises(NotAllowed):
        services.set_user_active(organiser, False, actor=organiser, now=NOW)


def test_an_unknown_address_costs_a_password_check_at_todays_cost(app, monkeypatch):
    """The hash checked when no account matches has the cost `hash_password` uses now (so
    a wrong address takes as long as a wrong password), and it is checked."""
    real = services.hash_password("a long organiser passphrase")
    assert services.DUMMY_HASH.split("$")[0] == real.split("$")[0]
    checked = []
    monkeypatch.setattr(
        services, "check_password_hash", lambda stored, given: checked.append(stored) or False
    )
    assert services.authenticate("nobody@example.org", "guess", now=NOW) is None
    assert checked == [services.DUMMY_HASH]
