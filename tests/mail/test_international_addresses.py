"""Addresses like josé@…: sent with SMTPUTF8 where the server takes them, else refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from nclw.accounts import invitations
from nclw.accounts.models import Role
from nclw.addresses import INTERNATIONAL_ADDRESS_REFUSAL as REFUSAL
from nclw.addresses import needs_smtputf8
from nclw.errors import InvalidInput
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import Registration
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_event, make_user
from tests.mail.helpers import outbox_rows
from tests.support.smtp import SmtpSink
from tests.support.tickets import ticket_token_in

INTERNATIONAL = "josé@exämple.org"


def test_only_a_name_beyond_ascii_needs_smtputf8():
    assert needs_smtputf8("josé@example.org")
    assert needs_smtputf8(" Zoë@exämple.org ")
    assert not needs_smtputf8("jose@exämple.org")  # the domain can be written in ASCII
    assert not needs_smtputf8("sam@example.org")


@pytest.fixture
def international_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(smtputf8=True)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def _app(tmp_path: Path, sink: SmtpSink, *, smtputf8: bool) -> Flask:
    return make_test_app(tmp_path, MAIL_SMTPUTF8=smtputf8, **sink.app_config())


def test_where_the_server_takes_them_the_ticket_goes_with_smtputf8(tmp_path, international_sink):
    app = _app(tmp_path, international_sink, smtputf8=True)
    with app.app_context():
        event = make_event()
        answer = app.test_client().post(
            f"/events/{event.slug}/register", data={"first_name": "José", "email": INTERNATIONAL}
        )
        assert answer.status_code == 200 and "Check your email" in answer.text

        assert send_pending().sent == 1
        [received] = international_sink.wait_for(1)
        assert received.rcpt_tos == [INTERNATIONAL]
        assert received.message["To"] == INTERNATIONAL
        registration = db.session.scalar(sa.select(Registration))
        assert registration.reference in received.subject
        assert ticket_token_in(received.text())
        assert outbox_rows()[0].status == MessageStatus.SENT
        db.session.remove()
        db.engine.dispose()


def test_where_the_server_does_not_the_address_is_refused_with_a_plain_message(
    tmp_path, international_sink
):
    app = _app(tmp_path, international_sink, smtputf8=False)
    with app.app_context():
        event = make_event()
        answer = app.test_client().post(
            f"/events/{event.slug}/register", data={"first_name": "José", "email": INTERNATIONAL}
        )
        assert answer.status_code == 400
        refusal = str(REFUSAL)
        assert refusal.replace("é", "&#233;") in answer.text or refusal in answer.text
        assert f'value="{INTERNATIONAL}"' in answer.text  # what was typed is kept
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
        # An IDNA domain is fine: only the name before the @ needs SMTPUTF8.
        fine = app.test_client().post(
            f"/events/{event.slug}/register",
            data={"first_name": "Jose", "email": "jose@exämple.org"},
        )
        assert fine.status_code == 200
        with pytest.raises(InvalidInput):
            invitations.invite_user(
                INTERNATIONAL,
                role=Role.ORGANISER,
                organisation=None,
                actor=make_user(),
                now=utcnow(),
            )
        db.session.remove()
        db.engine.dispose()


def test_a_server_that_says_no_to_smtputf8_fails_the_message_with_its_reason(tmp_path):
    # Told it could, but the server does not offer SMTPUTF8: the message fails once, plainly,
    # and the rest of the batch still goes.
    plain = SmtpSink()
    plain.start()
    try:
        app = make_test_app(tmp_path, MAIL_SMTPUTF8=True, **plain.app_config())
        with app.app_context():
            event = make_event()
            client = app.test_client()
            for email in (INTERNATIONAL, "sam@example.org"):
                client.post(
                    f"/events/{event.slug}/register", data={"first_name": "A", "email": email}
                )
            report = send_pending()
            assert (report.sent, report.failed, report.retried) == (1, 1, 0)
            failed = db.session.scalar(
                sa.select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
            )
            assert failed.to_address == INTERNATIONAL
            assert "SMTPUTF8" in failed.last_error
            assert [m.rcpt_tos for m in plain.wait_for(1)] == [["sam@example.org"]]
            db.session.remove()
            db.engine.dispose()
    finally:
        plain.stop()
