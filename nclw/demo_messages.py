"""The demo's messages: two saved templates, one message waiting to go, one sent."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import (
    EventMessage,
    EventMessageEmail,
    EventMessageState,
    MessageAudience,
    MessageTemplate,
    Registration,
)
from nclw.timezones import utcnow

TEMPLATES = [
    (
        "The day before",
        "See you tomorrow at {event_title}",
        "Hello {first_name},\n\nWe look forward to seeing you at {event_title}, "
        "{event_when}.\n\nBring your ticket reference, {reference}: on your phone is fine.",
    ),
    (
        "Thank you for coming",
        "Thank you for coming to {event_title}",
        "Hello {first_name},\n\nThank you for coming. We would love to hear what you "
        "thought: look out for a short survey from us.",
    ),
]


def messages_waiting_and_sent(upcoming: Event, past: Event) -> None:
    """Templates to start from; a message set to go the day before `upcoming`; and a thank-you
    already sent to everyone who came to `past`, with its emails in the outbox, gone."""
    now = utcnow()
    templates = [MessageTemplate(name=n, subject=s, body=b) for n, s, b in TEMPLATES]
    db.session.add_all(templates)
    day_before = max(upcoming.starts_at - timedelta(days=1), now + timedelta(hours=1))
    db.session.add(_message(upcoming, templates[0], send_at=day_before))
    thanks = _message(past, templates[1], send_at=None)
    thanks.state, thanks.sent_at = EventMessageState.SENT, past.ends_at + timedelta(hours=1)
    db.session.add(thanks)
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == past.id).order_by(Registration.id)
    ).all()
    for person in people:
        # As the outbox keeps a sent email: who it went to, its subject and time, not its words.
        email = OutboxMessage(
            kind="attendee_message",
            to_address=person.email,
            subject=f"Thank you for coming to {past.title}",
            registration_id=person.id,
            event_id=past.id,
            status=MessageStatus.SENT,
            attempts=1,
            created_at=thanks.sent_at,
            next_attempt_at=thanks.sent_at,
            sent_at=thanks.sent_at + timedelta(seconds=5),
        )
        db.session.add(EventMessageEmail(event_message_id=thanks.id, outbox_message=email))
    thanks.recipients = len(people)


def _message(event: Event, template: MessageTemplate, *, send_at) -> EventMessage:
    return EventMessage(
        event=event,
        audience=MessageAudience.CONFIRMED,
        subject=template.subject,
        body=template.body,
        state=EventMessageState.SCHEDULED,
        send_at=send_at,
    )
