"""Account emails: in the language of the page they were asked from, when it is known."""

from __future__ import annotations

from flask_babel import force_locale

from nclw.accounts.email_links import request_password_reset
from nclw.accounts.invitations import invite_user
from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.mail.outbox import compose_batch
from nclw.timezones import utcnow
from tests.factories import make_user
from tests.mail.conftest import SITE
from tests.mail.helpers import outbox_rows


def test_an_invitation_sent_from_a_welsh_page_is_in_welsh(welsh_app):
    organiser = make_user()
    with force_locale("cy"):
        invite_user(
            "new@example.org", role=Role.ORGANISER, organisation=None, actor=organiser, now=utcnow()
        )
    db.session.commit()
    [row] = outbox_rows()
    assert row.text_body.startswith("Helo,")
    assert f"{SITE}/cy/account/invite/" in row.text_body


def test_a_reset_is_written_when_sent_in_the_language_it_was_asked_in(welsh_app):
    user = make_user()
    with force_locale("cy"):
        request_password_reset(user.email, now=utcnow())
    db.session.commit()
    [row] = outbox_rows()
    assert row.language == "cy"
    # The sender runs later, outside any page: the row says which language to write in.
    compose_batch([row])
    assert row.text_body.startswith("Helo,")
    assert f"{SITE}/cy/account/reset/" in row.text_body


def test_a_reset_asked_in_english_stays_english_whoever_sends_it(welsh_app):
    user = make_user()
    request_password_reset(user.email, now=utcnow())
    db.session.commit()
    [row] = outbox_rows()
    with force_locale("cy"):
        compose_batch([row])
    assert row.text_body.startswith("Hello,")
    assert f"{SITE}/account/reset/" in row.text_body
