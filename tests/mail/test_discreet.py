"""Discreet emails: nothing on a lock screen or a shared calendar says "care" or the event."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.claims import _snapshot
from nclw.mail.delivery import send_pending
from nclw.mail.wire import build_message
from nclw.registrations import messages
from nclw.registrations.models import Registration
from tests.factories import make_event, make_registration
from tests.mail.helpers import outbox_rows, queue_and_commit

TITLE = "Care leavers' careers evening"


def _event(**overrides):
    return make_event(
        title=TITLE,
        format=EventFormat.IN_PERSON,
        venue_name="Leaving Care Hub",
        address="1 High Street, Luton",
        online_url=None,
        **overrides,
    )


def test_a_discreet_ticket_email_and_invite_say_nothing_about_care(app):
    person = make_registration(_event(), discreet=True)
    email = messages.ticket_confirmed(person)
    assert email.subject == f"Your booking is confirmed ({person.reference})"
    assert email.sender_name == "Bookings"
    assert email.text_body.startswith(str(messages.DISCREET_OPENING))
    assert str(messages.DISCREET_OPENING) in email.html_body
    invite = email.ical_body.replace("\r\n ", "")
    assert "SUMMARY:Appointment" in invite
    assert "LOCATION:1 High Street\\, Luton" in invite
    assert "Leaving Care Hub" not in invite and "Care leavers" not in invite
    assert "CN=Bookings" in invite and "NCLW" not in invite.split("ORGANIZER", 1)[1][:60]

    # On the wire: the same address, another name.
    row_id = queue_and_commit(email, person)
    [row] = [row for row in outbox_rows() if row.id == row_id]
    sent = build_message(_snapshot(row))
    assert sent.sender.startswith("Bookings <")
    assert sent.sender.endswith(app.config["MAIL_DEFAULT_SENDER"].rsplit("<", 1)[1])


def test_every_kind_of_ticket_email_has_a_plain_subject(app):
    person = make_registration(_event(), discreet=True)
    for email in (
        messages.event_changed(person),
        messages.reminder_day_before(person),
        messages.attendee_message(person, "Care leavers: see you soon", "Hello"),
        messages.cancelled_by_attendee(person),
    ):
        assert TITLE not in email.subject and "care" not in email.subject.lower(), email.kind
        assert email.subject.endswith(f"({person.reference})")


def test_without_discreet_nothing_changes(app):
    person = make_registration(_event())
    email = messages.ticket_confirmed(person)
    assert TITLE in email.subject and email.sender_name is None
    assert not email.text_body.startswith(str(messages.DISCREET_OPENING))
    assert "LOCATION:Leaving Care Hub\\, 1 High Street\\, Luton" in email.ical_body.replace(
        "\r\n ", ""
    )


def test_asking_for_it_at_sign_up(app, client):
    event = _event()
    db.session.commit()
    form = client.get(f"/events/{event.slug}/register").text
    assert "Keep my emails and calendar discreet" in form
    client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Sky", "email": "sky@example.com", "discreet": "y"},
    )
    assert db.session.scalar(sa.select(Registration.discreet)) is True
    # The ticket email is written when it is sent, discreet like the rest.
    send_pending()
    [row] = outbox_rows()
    assert row.sender_name == "Bookings"
    assert row.subject.startswith("Your booking is confirmed")
