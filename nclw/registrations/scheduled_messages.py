"""Messages that wait: set to go at a time, changed or cancelled until then, sent once.

`flask nclw send-scheduled-messages` (every minute or few) sends those whose time has come.
Who gets a message is worked out when it goes, not when it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.registrations.messaging import queue_emails, tidy_message
from nclw.registrations.models import EventMessage, EventMessageState, MessageAudience
from nclw.timezones import format_stamp

# A message may be set to go up to a week after the event ends: a thank-you, a survey
# nudge, the photos. Later than that it is no longer about the event.
AFTER_THE_EVENT = timedelta(days=7)
ALREADY_GONE = _l("This message has already been sent or cancelled, so it cannot be changed.")


def latest_send_time(event: Event) -> datetime:
    """The last moment a message about this event may be set to go."""
    return event.ends_at + AFTER_THE_EVENT


def check_send_at(event: Event, send_at: datetime, *, now: datetime) -> None:
    """A message may be set for any time from now until a week after the event ends."""
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("This event is cancelled, so there is nobody to send a message to."))
    if send_at <= now:
        raise InvalidInput(_("Choose a time in the future for the message to go."))
    if send_at > latest_send_time(event):
        raise InvalidInput(
            _(
                "Choose a time no later than a week after the event ends (%(latest)s).",
                latest=format_stamp(latest_send_time(event)),
            )
        )


def check_message(
    event: Event, subject: str, body: str, *, send_at: datetime | None, now: datetime
) -> tuple[str, str]:
    """Refuse now what sending (or setting it for `send_at`) would refuse, before a preview
    or before it is kept; the subject and body as they are kept."""
    tidied = tidy_message(subject, body)
    if send_at is not None:
        check_send_at(event, send_at, now=now)
    return tidied


@dataclass(frozen=True)
class LaterMessage:
    """A message as an organiser sets it to go: to whom, its words and when."""

    audience: MessageAudience
    subject: str
    body: str
    send_at: datetime


def schedule_message(
    event: Event, later: LaterMessage, *, actor: User, now: datetime
) -> EventMessage:
    """Keep a message to go at its time to whoever is in its audience then."""
    subject, body = check_message(event, later.subject, later.body, send_at=later.send_at, now=now)
    message = EventMessage(
        event=event,
        audience=later.audience,
        subject=subject,
        body=body,
        state=EventMessageState.SCHEDULED,
        send_at=later.send_at,
        author_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(message)
    db.session.flush()
    record_action(
        AuditAction.EVENT_MESSAGE_SCHEDULED,
        actor=actor,
        target=event,
        summary=f"Message {message.id}, {subject!r} to {later.audience.value}, "
        f"for {format_stamp(later.send_at)}",
        now=now,
    )
    return message


def _change_if_waiting(message: EventMessage, **values) -> None:
    # A guarded UPDATE: the sender's claim (below) is one too, so exactly one of them wins.
    changed = guarded_update(
        EventMessage,
        EventMessage.id == message.id,
        EventMessage.state == EventMessageState.SCHEDULED,
        **values,
    )
    db.session.refresh(message)
    if not changed:
        raise NotAllowed(str(ALREADY_GONE))


def edit_scheduled_message(
    message: EventMessage, later: LaterMessage, *, actor: User, now: datetime
) -> EventMessage:
    """Change a message that is still waiting: who it goes to, its words or its time."""
    if not message.is_scheduled:
        raise NotAllowed(str(ALREADY_GONE))
    subject, body = check_message(
        message.event, later.subject, later.body, send_at=later.send_at, now=now
    )
    _change_if_waiting(
        message,
        audience=later.audience,
        subject=subject,
        body=body,
        send_at=later.send_at,
        updated_at=now,
    )
    record_action(
        AuditAction.EVENT_MESSAGE_EDITED,
        actor=actor,
        target=message.event,
        summary=f"Message {message.id}, {subject!r} to {later.audience.value}, "
        f"now for {format_stamp(later.send_at)}",
        now=now,
    )
    return message


def cancel_scheduled_message(message: EventMessage, *, actor: User, now: datetime) -> None:
    """Stop a waiting message from going. It stays in the history, marked cancelled."""
    if not message.is_scheduled:
        raise NotAllowed(str(ALREADY_GONE))
    _change_if_waiting(message, state=EventMessageState.CANCELLED, updated_at=now)
    record_action(
        AuditAction.EVENT_MESSAGE_CANCELLED,
        actor=actor,
        target=message.event,
        summary=f"Message {message.id}, {message.subject!r}, was to go "
        f"{format_stamp(message.send_at)}",
        now=now,
    )


def _claim(message_id: int, *, now: datetime) -> bool:
    """Mark a due message sent, if nobody has; whether this run is the one to send it.

    The UPDATE is the first statement of its transaction, so on SQLite it waits for the
    write lock, and on PostgreSQL for the row: a second run that overlaps sees it sent.
    """
    return guarded_update(
        EventMessage,
        EventMessage.id == message_id,
        EventMessage.state == EventMessageState.SCHEDULED,
        EventMessage.send_at <= now,
        state=EventMessageState.SENT,
        sent_at=now,
        updated_at=now,
    )


def send_due_messages(*, now: datetime) -> int:
    """Send each message whose time has come, once; returns how many were sent.

    Each is claimed, queued and committed in one transaction: if the run dies part way, the
    message is still waiting and the next run sends it whole.
    """
    db.session.commit()
    due = db.session.scalars(
        sa.select(EventMessage.id)
        .where(EventMessage.state == EventMessageState.SCHEDULED, EventMessage.send_at <= now)
        .order_by(EventMessage.send_at, EventMessage.id)
    ).all()
    db.session.commit()
    sent = 0
    for message_id in due:
        if not _claim(message_id, now=now):
            db.session.rollback()
            continue
        try:
            _send(message_id, now=now)
            db.session.commit()
        except Exception:
            # One message that cannot be written must not hold up the rest; it stays waiting.
            db.session.rollback()
            current_app.logger.exception("Could not send scheduled message %s", message_id)
            continue
        sent += 1
    return sent


def _send(message_id: int, *, now: datetime) -> None:
    message = db.session.get(EventMessage, message_id, populate_existing=True)
    message.recipients = queue_emails(message)
    record_action(
        AuditAction.EVENT_MESSAGE_SENT,
        actor=None,
        target=message.event,
        summary=f"Message {message.id}, {message.subject!r}, to {message.recipients} "
        f"({message.audience.value})",
        now=now,
    )
