"""Delivery from the outbox to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import icalendar
import pytest

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail import claims, delivery
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.status import mail_health, retry_message
from nclw.registrations import messages
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.services import cancel_registration
from nclw.registrations.ticket_links import registration_for_link
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration
from tests.mail.helpers import alternative_parts, calendar_part, outbox_rows, queue_and_commit
from tests.support.tickets import ticket_token_in

pytestmark = pytest.mark.usefixtures("smtp_app")


def test_ticket_email_arrives_with_text_html_and_a_request_invite(smtp_server):
    event = make_event(format=EventFormat.HYBRID, venue_name="Town Hall", address="1 High St")
    person = make_registration(event, email="sam@example.com")
    queue_and_commit(messages.ticket_confirmed(person), person)

    report = send_pending()

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ["sam@example.com"]
    message = received.message
    # The HTML travels with the door's QR code (multipart/related: see test_pocket_ticket).
    assert [p.get_content_type() for p in alternative_parts(message)] == [
        "text/plain",
        "multipart/related",
        "text/calendar",
    ]
    # The email's own ticket link, the same in both parts and in the invite, leads to the ticket.
    token = ticket_token_in(received.text())
    assert registration_for_link(token).id == person.id
    for body in (received.text(), received.html()):
        assert person.reference in body
        assert f"/tickets/{token}" in body
        assert "hello@nclw-events.org.uk" in body
        assert "Help at Hand" in body
        assert event.online_url in body
    invite = calendar_part(message)
    assert invite is not None
    assert invite.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(invite.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [entry] = calendar.walk("VEVENT")
    assert entry["DTSTART"].dt == event.starts_at
    assert f"/tickets/{token}" in str(entry["DESCRIPTION"])
    [row] = outbox_rows()
    assert row.status == MessageStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error is None


def test_cancellation_by_the_person_arrives_as_a_calendar_cancel(smtp_server):
    event = make_event()
    person = make_registration(event)
    cancel_registration(person, now=utcnow())
    db.session.commit()

    send_pending()

    [received] = smtp_server.wait_for(1)
    invite = calendar_part(received.message)
    assert invite is not None
    assert invite.get_param("method") == "CANCEL"
    [entry] = icalendar.Calendar.from_ical(invite.get_content()).walk("VEVENT")
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SEQUENCE"] == 1
    # A cancelled ticket is not a confirmed one: no joining link.
    assert event.online_url not in received.raw.decode()


def test_a_421_is_retried_later_and_then_delivered_once(smtp_server):
    event = make_event()
    first = make_registration(event)
    second = make_registration(event)
    queue_and_commit(messages.ticket_confirmed(first), first)
    queue_and_commit(messages.ticket_confirmed(second), second)
    smtp_server.fail_next("421 Busy, try again later", on="DATA")
    now = utcnow()

    report = send_pending(now=now)

    assert (report.sent, report.retried, report.failed) == (1, 1, 0)
    waiting, sent = outbox_rows()
    assert waiting.status == MessageStatus.PENDING
    assert waiting.attempts == 1
    assert "421" in waiting.last_error
    assert waiting.next_attempt_at > now
    assert sent.status == MessageStatus.SENT
    # Not due yet: the backoff holds it back.
    assert send_pending(now=now).sent == 0

    assert send_pending(now=now + timedelta(minutes=5)).sent == 1

    received = smtp_server.wait_for(2)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted([first.email, second.email])
    assert all(row.status == MessageStatus.SENT for row in outbox_rows())
    assert outbox_rows()[0].attempts == 2


def test_a_550_marks_the_message_failed_with_the_reason_and_never_retries(smtp_server):
    person = make_registration(make_event())
    queue_and_commit(messages.ticket_confirmed(person), person)
    smtp_server.fail_next("550 No such mailbox", on="RCPT")

    report = send_pending()

    assert (report.sent, report.failed) == (0, 1)
    [row] = outbox_rows()
    assert row.status == MessageStatus.FAILED
    assert row.last_error.startswith("550")
    assert "No such mailbox" in row.last_error
    assert send_pending(now=utcnow() + timedelta(days=1)).sent == 0
    assert smtp_server.messages == []
    health = mail_health()
    assert health["failed"] == 1
    assert health["pending"] == 0


def test_a_failed_message_can_be_sent_again_by_an_organiser(smtp_server):
    person = make_registration(make_event())
    queue_and_commit(messages.ticket_confirmed(person), person)
    smtp_server.fail_next("550 Mailbox full", on="DATA")
    send_pending()
    [row] = outbox_rows()

    retry_message(row, actor=None, now=utcnow())
    db.session.commit()
    report = send_pending()

    assert report.sent == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert outbox_rows()[0].status == MessageStatus.SENT


def test_retrying_a_message_that_did_not_fail_is_refused():
    from nclw.errors import NotAllowed

    person = make_registration(make_event())
    queue_and_commit(messages.ticket_confirmed(person), person)
    with pytest.raises(NotAllowed):
        retry_message(outbox_rows()[0], actor=None, now=utcnow())


def test_with_the_server_down_nothing_is_lost_and_everything_goes_once_when_it_returns(
    smtp_server,
):
    event = make_event()
    people = [make_registration(event) for _ in range(5)]
    for person in people:
        queue_and_commit(messages.ticket_confirmed(person), person)
    smtp_server.stop()
    now = utcnow()

    report = send_pending(now=now)

    assert report.sent == 0
    assert all(row.status == MessageStatus.PENDING for row in outbox_rows())
    assert mail_health()["pending"] == 5

    smtp_server.start()
    later = now + timedelta(minutes=5)
    assert send_pending(now=later).sent == 5
    assert send_pending(now=later + timedelta(hours=2)).sent == 0

    received = smtp_server.wait_for(5)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(p.email for p in people)
    assert len({m.message["Message-ID"] for m in received}) == 5


def test_a_rolled_back_change_sends_nothing(smtp_server):
    person = make_registration(make_event())
    cancel_registration(person, now=utcnow())
    db.session.flush()
    db.session.rollback()

    assert send_pending().sent == 0
    assert db.session.query(OutboxMessage).count() == 0
    assert db.session.get(type(person), person.id).status == RegistrationStatus.CONFIRMED
    assert smtp_server.messages == []


def test_line_breaks_in_a_subject_or_name_cannot_add_headers(smtp_server):
    person = make_registration(make_event(), first_name="Sam\r\nBcc: thief@example.net")
    email = messages.attendee_message(
        person, "Room change\r\nBcc: thief@example.net", "Body\nBcc: thief@example.net"
    )
    queue_and_commit(email, person)

    send_pending()

    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == [person.email]
    assert received.message["Bcc"] is None
    assert received.subject == "Room change Bcc: thief@example.net"
    headers = dict(received.message.items())
    assert "Bcc" not in headers
    assert [name for name, value in headers.items() if "thief" in value] == ["Subject"]


def test_a_very_long_paragraph_is_wrapped_so_the_server_accepts_it(smtp_server):
    person = make_registration(make_event())
    paragraph = "Please bring photo ID and arrive early — " * 120  # about 5,000 characters
    queue_and_commit(messages.attendee_message(person, "Before you come", paragraph), person)

    report = send_pending()

    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.wait_for(1)
    assert max(len(line) for line in received.raw.splitlines()) <= 998
    assert paragraph.strip() in received.text()


@pytest.mark.thorough  # waits out a slow mail server
def test_a_slow_server_keeps_the_claim_alive_so_no_other_worker_takes_it(smtp_app, smtp_server):
    # A batch that lasts two leases: without renewal its rows would look abandoned halfway.
    # The lease is long enough that a busy machine's pauses (a second or so, with the whole
    # suite running beside it) do not pass for a sender that stopped.
    smtp_app.config["MAIL_CLAIM_LEASE_SECONDS"] = 2.0
    smtp_server.delay = 0.5
    event = make_event()
    people = [make_registration(event) for _ in range(8)]
    for person in people:
        queue_and_commit(messages.ticket_confirmed(person), person)
    released: list[int] = []
    done = threading.Event()

    def another_worker_looking_for_orphans() -> None:
        with smtp_app.app_context():
            while not done.is_set():
                released.append(claims.release_stale_claims(now=utcnow()))
                time.sleep(0.05)
            db.session.remove()

    watcher = threading.Thread(target=another_worker_looking_for_orphans)
    watcher.start()
    try:
        report = delivery.send_batch(limit=10)
    finally:
        done.set()
        watcher.join(10)

    assert report.sent == 8
    assert sum(released) == 0
    assert {(row.status, row.attempts) for row in outbox_rows()} == {(MessageStatus.SENT, 1)}
    received = smtp_server.wait_for(8)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(p.email for p in people)


def test_a_message_that_cannot_be_sent_is_failed_and_the_rest_still_go(smtp_server):
    event = make_event()
    good = make_registration(event)
    bad_id = queue_and_commit(messages.ticket_confirmed(good), good)
    queue_and_commit(messages.ticket_confirmed(good), good)
    # An address this server cannot take (no SMTPUTF8): a problem no retry will fix.
    db.session.get(OutboxMessage, bad_id).to_address = "zoë@exämple.org"
    db.session.commit()

    report = send_pending()

    assert (report.sent, report.failed) == (1, 1)
    bad, sent = outbox_rows()
    assert bad.status == MessageStatus.FAILED
    assert bad.last_error
    assert sent.status == MessageStatus.SENT
    assert len(smtp_server.wait_for(1)) == 1


def test_each_message_is_marked_sent_before_the_next_one_goes(smtp_server):
    """A sender that dies mid-batch can only ever send again the one it was sending."""
    import sqlalchemy as sa

    event = make_event(capacity=10)
    for n in range(4):
        person = make_registration(event, email=f"p{n}@example.com")
        queue_and_commit(messages.ticket_confirmed(person), person)
    watcher = sa.create_engine(db.engine.url)
    marked_when_received = []
    record = smtp_server._record

    def note_marked_then_record(message):
        with watcher.connect() as connection:
            marked_when_received.append(
                connection.scalar(
                    sa.select(sa.func.count()).where(OutboxMessage.status == MessageStatus.SENT)
                )
            )
        record(message)

    smtp_server._record = note_marked_then_record
    try:
        report = send_pending()
    finally:
        smtp_server._record = record
        watcher.dispose()

    assert report.sent == 4
    assert marked_when_received == [0, 1, 2, 3]
