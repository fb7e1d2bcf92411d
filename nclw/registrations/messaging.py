"""Emails beyond those a change sends: organisers' messages, and a ticket sent again."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.outbox import queue_email, queue_email_once, queue_ticket_email
from nclw.registrations import messages
from nclw.registrations.models import (
    EventMessage,
    EventMessageEmail,
    EventMessageState,
    MessageAudience,
    Registration,
)
from nclw.registrations.placeholders import check_placeholders
from nclw.registrations.queries import message_recipients

# As long as the message form allows, and the column holds.
SUBJECT_LENGTH = 150


def tidy_message(subject: str, body: str) -> tuple[str, str]:
    """The subject on one line and the words trimmed; refused when either is empty or holds a
    placeholder we cannot fill in."""
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise InvalidInput(_("Write a subject and a message."))
    if len(subject) > SUBJECT_LENGTH:
        raise InvalidInput(
            _("Keep the subject to %(most)s characters or fewer.", most=SUBJECT_LENGTH)
        )
    check_placeholders(subject)
    check_placeholders(body)
    return subject, body


def queue_emails(message: EventMessage, *, chosen: Collection[int] | None = None) -> int:
    """Queue one email of `message` per person in its audience now; returns how many."""
    count = 0
    for registration in db.session.scalars(
        message_recipients(message.event, message.audience, chosen=chosen)
    ):
        email = queue_email(
            messages.attendee_message(registration, message.subject, message.body),
            registration_id=registration.id,
            event_id=message.event_id,
        )
        db.session.add(EventMessageEmail(event_message_id=message.id, outbox_message=email))
        count += 1
    return count


def message_attendees(
    event: Event,
    audience: MessageAudience,
    subject: str,
    body: str,
    *,
    actor: User | None,
    now: datetime,
    chosen: Collection[int] | None = None,
) -> int:
    """Queue one email per recipient through the outbox; returns how many were queued.

    With `chosen` (registration ids, as ticked on the attendee list) only those of them in
    the audience get it. The message is kept in the event's history of messages.
    """
    subject, body = tidy_message(subject, body)
    message = EventMessage(
        event=event,
        audience=audience,
        to_chosen=chosen is not None,
        subject=subject,
        body=body,
        state=EventMessageState.SENT,
        sent_at=now,
        author_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(message)
    db.session.flush()
    sent = queue_emails(message, chosen=chosen)
    if sent == 0:
        raise NotAllowed(_("Nobody would get this message. Choose other people to send it to."))
    message.recipients = sent
    record_action(
        AuditAction.EVENT_MESSAGED,
        actor=actor,
        target=event,
        summary=f"{subject!r} to {sent} ({'chosen' if chosen is not None else audience.value})",
        now=now,
    )
    return sent


# A stranger who types someone's address again and again must not be able to make us email
# them again and again: one repeat of the ticket email per ticket per clock hour.
RESEND_BUCKET = "%Y-%m-%dT%H"


def resend_ticket(registration: Registration, *, now: datetime, actor: User | None = None) -> bool:
    """Email the ticket again (with a fresh link) to its own address.

    Asked for by a visitor (no actor), at most once an hour; an organiser who was asked by
    the person, whenever they ask. Returns whether an email was queued. A cancelled ticket
    has nothing to send.
    """
    if registration.is_cancelled or registration.anonymised_at is not None:
        raise NotAllowed(_("This ticket is cancelled, so there is nothing to resend."))
    if actor is not None:
        queue_ticket_email(messages.ticket_resent(registration), registration)
        return True
    return queue_email_once(
        lambda: messages.ticket_resent(registration),
        dedupe_key=f"ticket_resent:{registration.id}:{now.strftime(RESEND_BUCKET)}",
        registration_id=registration.id,
        event_id=registration.event_id,
    )
