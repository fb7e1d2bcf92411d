"""The calendar-reply receiver, on a loopback port, answering real SMTP and LMTP clients."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from nclw.extensions import db
from nclw.mail.ical import ticket_uid
from nclw.mail.models import OutboxMessage
from nclw.mail.receiver import MAX_MESSAGE_BYTES
from nclw.registrations.calendar_replies import start_reply_receiver
from nclw.registrations.models import CalendarAnswer, RegistrationStatus, ReleaseRoute
from nclw.registrations.rsvp import reply_address
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.support.calendar_replies import (
    icalendar_email,
    icalendar_reply_calendar,
    invite_for,
    thunderbird_email,
    thunderbird_reply_calendar,
)
from tests.support.net import free_port

DOMAIN = "replies.nclw.test"
HOST = "127.0.0.1"


@pytest.fixture
def replies_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path, RSVP_ADDRESS_DOMAIN=DOMAIN)
    with app.app_context():
        yield app
        db.session.remove()


def _receiver(app: Flask, *, lmtp: bool = False):
    port = free_port(HOST)
    return start_reply_receiver(app, host=HOST, port=port, lmtp=lmtp), port


@pytest.fixture
def smtp_port(replies_app: Flask) -> Iterator[int]:
    receiver, port = _receiver(replies_app)
    yield port
    receiver.stop()


def _held_place_and_one_waiting():
    event = make_event(capacity=1)
    holder = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    address = reply_address(holder)
    db.session.commit()
    return holder, waiting, address


def _send(port: int, to: str, message: bytes, *, sender: str = "someone@example.org") -> None:
    with smtplib.SMTP(HOST, port, timeout=10) as client:
        client.sendmail(sender, [to], message)


def _fresh(*rows):
    db.session.expire_all()
    return rows


def test_thunderbird_declining_over_smtp_frees_the_place(replies_app, smtp_port):
    holder, waiting, address = _held_place_and_one_waiting()
    calendar = thunderbird_reply_calendar(invite_for(holder), "DECLINED")
    db.session.commit()

    _send(smtp_port, address, thunderbird_email(calendar, to=address, sender=holder.email))

    _fresh()
    assert holder.status == RegistrationStatus.CANCELLED
    assert holder.released_via == ReleaseRoute.CALENDAR_REPLY
    assert waiting.status == RegistrationStatus.CONFIRMED
    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind)))
    assert kinds == {"cancelled_in_calendar", "promoted"}


def test_thunderbird_accepting_is_only_recorded(replies_app, smtp_port):
    holder, waiting, address = _held_place_and_one_waiting()
    calendar = thunderbird_reply_calendar(invite_for(holder), "ACCEPTED")
    db.session.commit()

    _send(smtp_port, address, thunderbird_email(calendar, to=address, sender=holder.email))

    _fresh()
    assert holder.status == RegistrationStatus.CONFIRMED
    assert holder.calendar_answer == CalendarAnswer.ACCEPTED
    assert waiting.status == RegistrationStatus.WAITING


def test_an_icalendar_clients_decline_frees_the_place(replies_app, smtp_port):
    holder, waiting, address = _held_place_and_one_waiting()
    calendar = icalendar_reply_calendar(ticket_uid(holder), holder.email, "DECLINED")

    _send(smtp_port, address, icalendar_email(calendar, to=address, sender=holder.email))

    _fresh()
    assert holder.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_a_forged_decline_to_another_tickets_address_changes_nothing(replies_app, smtp_port):
    holder, waiting, _ = _held_place_and_one_waiting()
    other = make_registration(make_event())
    forged_to = reply_address(other)
    db.session.commit()
    calendar = icalendar_reply_calendar(ticket_uid(holder), holder.email, "DECLINED")

    _send(smtp_port, forged_to, icalendar_email(calendar, to=forged_to, sender=holder.email))

    _fresh()
    assert holder.status == other.status == RegistrationStatus.CONFIRMED
    assert waiting.status == RegistrationStatus.WAITING
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_addresses_that_are_not_reply_addresses_are_refused(replies_app, smtp_port):
    with smtplib.SMTP(HOST, smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("someone@example.org")
        assert client.rcpt(f"tickets@{DOMAIN}")[0] == 550
        assert client.rcpt("rsvp+short@" + DOMAIN)[0] == 550


def test_junk_is_accepted_and_ignored_and_a_huge_message_refused(replies_app, smtp_port):
    holder, waiting, address = _held_place_and_one_waiting()
    for junk in (b"\x00\xff not mail", b"Content-Type: multipart/mixed; boundary=\r\n\r\n--"):
        _send(smtp_port, address, junk)
    huge = b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * (MAX_MESSAGE_BYTES // 1000 + 10)
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        _send(smtp_port, address, huge)  # it says how big: refused at once
    assert refused.value.smtp_code == 552
    with smtplib.SMTP(HOST, smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("someone@example.org")  # no SIZE given: refused once it has come
        client.rcpt(address)
        assert client.data(huge)[0] == 552

    _fresh()
    assert holder.status == RegistrationStatus.CONFIRMED
    assert holder.calendar_answer is None


def test_when_the_database_cannot_take_it_the_mail_server_is_asked_to_retry(replies_app, smtp_port):
    holder, _, address = _held_place_and_one_waiting()
    calendar = icalendar_reply_calendar(ticket_uid(holder), holder.email, "DECLINED")
    message = icalendar_email(calendar, to=address, sender=holder.email)
    # The registrations table is gone for a moment: the reply must not be lost.
    db.session.execute(sa.text("ALTER TABLE registrations RENAME TO registrations_away"))
    db.session.commit()
    try:
        with pytest.raises(smtplib.SMTPDataError) as later:
            _send(smtp_port, address, message)
        assert later.value.smtp_code == 451
    finally:
        db.session.execute(sa.text("ALTER TABLE registrations_away RENAME TO registrations"))
        db.session.commit()
    _send(smtp_port, address, message)
    _fresh()
    assert holder.status == RegistrationStatus.CANCELLED


def test_lmtp_answers_once_per_recipient_and_acts_on_each(replies_app):
    receiver, port = _receiver(replies_app, lmtp=True)
    try:
        first, first_waiting, first_address = _held_place_and_one_waiting()
        second, _, second_address = _held_place_and_one_waiting()
        invite = invite_for(first)
        db.session.commit()
        calendar = thunderbird_reply_calendar(invite, "DECLINED")
        message = thunderbird_email(calendar, to=first_address, sender=first.email)
        with smtplib.LMTP(HOST, port, timeout=10) as client:
            refused = client.sendmail(first.email, [first_address, second_address], message)
            # smtplib reads only the first recipient's answer; LMTP sends one for each.
            assert client.getreply() == (250, b"2.0.0 OK")
        assert refused == {}
    finally:
        receiver.stop()

    _fresh()
    # The reply names the first ticket's invite: only the first ticket is released.
    assert first.status == RegistrationStatus.CANCELLED
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.CONFIRMED


def test_the_command_will_not_start_without_a_reply_domain(runner):
    result = runner.invoke(args=["nclw", "receive-mail", "--port", str(free_port(HOST))])
    assert result.exit_code == 1
    assert "Set RSVP_ADDRESS_DOMAIN first" in result.output
