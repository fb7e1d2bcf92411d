"""Putting messages in the outbox; delivery lives in mail.delivery."""

from __future__ import annotations

from dataclasses import dataclass

from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.timezones import utcnow

# Set on the session when a transaction queues mail; its commit wakes the sender.
QUEUED_FLAG = "nclw_mail_queued"


@dataclass(frozen=True)
class ComposedEmail:
    """A message ready to be queued: what to say, to whom, with which calendar part."""

    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str | None = None
    ical_body: str | None = None
    ical_method: str | None = None


def _single_line(value: str) -> str:
    # Subjects and addresses become headers: a line break could add a header of its own.
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def queue_email(
    email: ComposedEmail,
    *,
    registration_id: int | None = None,
    event_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction's outbox; it is sent only if that commits."""
    message = OutboxMessage(
        kind=email.kind,
        to_address=_single_line(email.to_address),
        subject=_single_line(email.subject)[:200],
        text_body=email.text_body,
        html_body=email.html_body,
        ical_body=email.ical_body,
        ical_method=email.ical_method,
        registration_id=registration_id,
        event_id=event_id,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.info[QUEUED_FLAG] = True
    return message
