"""Organisers' messages to the people signed up for an event."""

from __future__ import annotations

from datetime import datetime

from nclw.accounts.models import User
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.outbox import queue_email
from nclw.registrations import messages
from nclw.registrations.queries import MessageAudience, message_recipients


def message_attendees(
    event: Event,
    audience: MessageAudience,
    subject: str,
    body: str,
    *,
    actor: User | None,
    now: datetime,
) -> int:
    """Queue one email per recipient through the outbox; returns how many were queued."""
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise InvalidInput("Write a subject and a message.")
    sent = 0
    for registration in db.session.scalars(message_recipients(event, audience)):
        queue_email(
            messages.attendee_message(registration, subject, body),
            registration_id=registration.id,
            event_id=event.id,
        )
        sent += 1
    if sent == 0:
        raise NotAllowed("Nobody would get this message. Choose other people to send it to.")
    record_action(
        "event.messaged",
        actor=actor,
        target=event,
        summary=f"{subject!r} to {sent} ({audience.value})",
        now=now,
    )
    return sent
