"""Sign-up emails are written by the sender, just before they go, not in the request."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus
from nclw.registrations import services
from nclw.registrations.personal_data import delete_my_details
from nclw.registrations.send_time import COMPOSED_WHEN_SENT, Composed, compose_queued
from nclw.registrations.services import SignUpDetails
from nclw.registrations.ticket_links import registration_for_link
from nclw.timezones import utcnow
from tests.factories import make_event
from tests.mail.helpers import calendar_part, outbox_rows
from tests.support.tickets import ticket_token_in

pytestmark = pytest.mark.usefixtures("smtp_app")


def _sign_up(event, email="sam@example.com"):
    return services.register(event, SignUpDetails(first_name="Sam", email=email), now=utcnow())


def test_a_sign_up_queues_its_email_unwritten_and_the_sender_writes_it(smtp_server):
    event = make_event(title="Careers session", capacity=5)
    result = _sign_up(event)

    [row] = outbox_rows()
    assert (row.kind, row.to_address, row.status) == (
        "ticket_confirmed",
        "sam@example.com",
        MessageStatus.PENDING,
    )
    assert row.subject is None and row.text_body is None and row.ical_body is None

    report = send_pending()

    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.wait_for(1)
    registration = result.registration
    assert received.message["Subject"] == (
        f"Your ticket: Careers session ({registration.reference})"
    )
    # Written at send time, with a ticket link of its own that leads to this ticket.
    token = ticket_token_in(received.text())
    assert registration_for_link(token).id == registration.id
    invite = calendar_part(received.message)
    assert invite is not None and invite.get_param("method") == "REQUEST"
    [entry] = icalendar.Calendar.from_ical(invite.get_content()).walk("VEVENT")
    assert f"/tickets/{token}" in str(entry["DESCRIPTION"])
    [row] = outbox_rows()
    # The mail log keeps the envelope; the words, with the ticket's link, go once sent.
    assert row.status == MessageStatus.SENT
    assert row.subject == received.message["Subject"]
    assert (row.text_body, row.html_body, row.ical_body) == (None, None, None)


def test_a_waiting_list_place_gets_the_waiting_list_email_without_an_invite(smtp_server):
    event = make_event(title="Full session", capacity=1)
    _sign_up(event, "first@example.com")
    _sign_up(event, "second@example.com")

    send_pending()

    received = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(2)}
    waiting = received["second@example.com"]
    assert waiting.message["Subject"] == "You are on the waiting list: Full session"
    assert calendar_part(waiting.message) is None
    assert calendar_part(received["first@example.com"].message) is not None


def test_a_change_made_before_sending_is_in_the_email(smtp_server):
    event = make_event(title="Careers session", capacity=5)
    _sign_up(event)
    new_start = event.starts_at + timedelta(days=1)
    event.starts_at = new_start
    event.ends_at = new_start + timedelta(hours=1)
    db.session.commit()

    send_pending()

    [received] = smtp_server.wait_for(1)
    [entry] = icalendar.Calendar.from_ical(calendar_part(received.message).get_content()).walk(
        "VEVENT"
    )
    assert entry["DTSTART"].dt == new_start


def test_deleting_your_details_before_the_email_goes_means_it_never_goes(smtp_server):
    event = make_event(capacity=5)
    result = _sign_up(event)
    delete_my_details(result.registration, now=utcnow())
    db.session.commit()

    report = send_pending()

    assert report.sent == 0
    assert outbox_rows() == []
    assert smtp_server.messages == []


def test_a_message_whose_registration_is_gone_is_marked_failed_not_sent(smtp_server):
    event = make_event(capacity=5)
    result = _sign_up(event)
    # As if the details were removed by a path that left the queued row behind.
    result.registration.anonymised_at = utcnow()
    db.session.commit()

    report = send_pending()

    assert report.sent == 0
    assert smtp_server.messages == []
    [row] = outbox_rows()
    assert row.status == MessageStatus.FAILED
    assert "deleted" in row.last_error
    assert row.text_body is None


def test_a_ticket_cancelled_before_its_email_went_gets_only_the_cancellation(smtp_server):
    event = make_event(title="Careers session", capacity=5)
    result = _sign_up(event)
    services.cancel_registration(result.registration, now=utcnow())
    db.session.commit()

    report = send_pending()

    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.wait_for(1)
    assert received.message["Subject"].startswith("Cancelled: Careers session")
    # The unsent confirmation is gone, not counted as a failure on the dashboard.
    assert [(row.kind, row.status) for row in outbox_rows()] == [
        ("cancelled_by_attendee", MessageStatus.SENT)
    ]


def test_a_waiting_place_that_became_a_ticket_before_its_email_went_gets_only_the_ticket(
    smtp_server,
):
    event = make_event(title="Full session", capacity=1)
    first = _sign_up(event, "first@example.com")
    _sign_up(event, "second@example.com")
    services.cancel_registration(first.registration, now=utcnow())  # the place moves on
    db.session.commit()

    send_pending()

    received = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(2)}
    subjects = [m.message["Subject"] for m in smtp_server.messages]
    assert not any(subject.startswith("You are on the waiting list") for subject in subjects)
    assert received["second@example.com"].message["Subject"].startswith("You have a place")
    assert all(row.status == MessageStatus.SENT for row in outbox_rows())


def test_only_known_kinds_are_written_later():
    assert set(COMPOSED_WHEN_SENT) == {"ticket_confirmed", "waiting_list"}


def test_compose_queued_leaves_a_written_message_alone():
    event = make_event(capacity=5)
    _sign_up(event)
    [row] = outbox_rows()
    assert compose_queued(row) is Composed.WRITTEN
    written = row.text_body
    row.text_body = "Already written."
    assert compose_queued(row) is Composed.WRITTEN
    assert row.text_body == "Already written."
    assert written != "Already written."


def test_writing_a_batch_does_not_hold_sqlite_write_lock(monkeypatch):
    """Sign-ups keep going while the sender writes a batch of emails."""
    import sqlite3

    from nclw.registrations import send_time

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL writers do not block each other here")
    event = make_event(capacity=5)
    for n in range(3):
        _sign_up(event, f"person{n}@example.com")
    path = db.engine.url.database
    writes_while_writing = []

    def compose_and_try_a_write(registration):
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the sender holds the lock
            other.rollback()
            writes_while_writing.append(True)
        except sqlite3.OperationalError:
            writes_while_writing.append(False)
        finally:
            other.close()
        return original(registration)

    original, describes = send_time.COMPOSED_WHEN_SENT["ticket_confirmed"]
    monkeypatch.setitem(
        send_time.COMPOSED_WHEN_SENT, "ticket_confirmed", (compose_and_try_a_write, describes)
    )

    report = send_pending()

    assert report.sent == 3
    assert writes_while_writing == [True, True, True]
