"""How the outbox is doing, and putting a failed message back in the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import NotAllowed
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.timezones import format_stamp


def retry_message(message: OutboxMessage, *, actor: Any, now: datetime) -> OutboxMessage:
    """Put a failed message back in the queue to be sent again now."""
    if message.status != MessageStatus.FAILED:
        raise NotAllowed(_("Only a message that failed can be sent again."))
    message.status = MessageStatus.PENDING
    message.next_attempt_at = now
    message.claimed_by = None
    message.claimed_at = None
    record_action(
        AuditAction.MAIL_RETRIED,
        actor=actor,
        target=message,
        summary=f"Queued failed message {message.id} ({message.kind}) to be sent again",
        now=now,
    )
    return message


def mail_health() -> dict[str, Any]:
    """How the outbox is doing: pending and failed counts, and the oldest pending message."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    oldest = db.session.scalar(
        sa.select(sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING])
        )
    )
    if isinstance(oldest, str):  # SQLite returns the raw text for an aggregate
        oldest = datetime.fromisoformat(oldest)
    return {
        "pending": counts.get(MessageStatus.PENDING, 0) + counts.get(MessageStatus.SENDING, 0),
        "failed": counts.get(MessageStatus.FAILED, 0),
        "sent": counts.get(MessageStatus.SENT, 0),
        "oldest_pending_created_at": oldest,
        "delivery": "smtp" if current_app.config.get("MAIL_SERVER") else "files",
    }


def state_words(message: OutboxMessage) -> str:
    """Where one email stands, in plain words: "Sent Tue 3 Nov 2026, 2:02pm", "Waiting to send"."""
    if message.status == MessageStatus.SENT and message.sent_at is not None:
        return _("Sent %(when)s", when=format_stamp(message.sent_at))
    if message.status == MessageStatus.SENT:
        return _("Sent")
    if message.status == MessageStatus.SENDING:
        return _("Sending now")
    if message.status == MessageStatus.FAILED:
        return _("Failed: will not try again")
    # A temporary failure leaves the message waiting, with its attempts counted.
    return _("Failed: will try again") if message.attempts else _("Waiting to send")


def messages_about(registration_id: int) -> list[OutboxMessage]:
    """Every email about one ticket still in the outbox, newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )
