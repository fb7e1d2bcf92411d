"""'Lost your ticket?': the ticket emailed again to an address that holds one, told to nobody.

Asking does the same work whatever the address: it queues a message to be written when it is
sent (like password resets, see nclw.accounts.email_links). Only then does the sender look
for a ticket this address holds for the event, and write the ticket email again, or drop the
message when there is none. So neither the page, nor its timing, nor the database's writes
tell a stranger whether an address signed up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa

from nclw.addresses import normalise_email
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.mail.outbox import Composed, SendTimeComposer, fill_in, queue_email_to_compose_once
from nclw.registrations import messages
from nclw.registrations.messaging import RESEND_BUCKET
from nclw.registrations.queries import find_live_registration

KIND = "ticket_asked_for"


def _once_an_hour(event_id: int, address: str, now: datetime) -> str:
    # Hashed: the key only has to be the same for the same address, not say what it is.
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"{KIND}:{event_id}:{digest}:{now.strftime(RESEND_BUCKET)}"


def ask_for_ticket_again(event: Event, email: str, *, now: datetime) -> None:
    """Email the ticket again if this address holds one for the event (decided when sent).

    However often it is asked, an address gets at most one such email per event per hour.
    """
    address = normalise_email(email)
    # A second request in the same hour is refused by the key.
    queue_email_to_compose_once(
        KIND,
        to_address=address,
        event_id=event.id,
        dedupe_key=_once_an_hour(event.id, address, now),
        now=now,
    )


def compose_ticket_again(message: OutboxMessage) -> Composed:
    """Write the ticket email for the address's ticket; no ticket, or one just sent: dropped."""
    event = db.session.get(Event, message.event_id) if message.event_id else None
    registration = find_live_registration(event, message.to_address) if event else None
    if registration is None or registration.anonymised_at is not None:
        return Composed.NOBODY
    # Signing up again with the address emails the ticket too: one repeat an hour in all.
    already = f"ticket_resent:{registration.id}:{message.created_at.strftime(RESEND_BUCKET)}"
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == already)):
        return Composed.NOBODY
    fill_in(message, messages.ticket_resent(registration))
    message.to_address = registration.email
    message.registration_id = registration.id
    return Composed.WRITTEN


#: Handed to the mail sender by the app (see nclw.mail.outbox.use_send_time_composer).
LOST_TICKET_EMAILS = SendTimeComposer(
    kinds=frozenset({KIND}), prepare=lambda rows: None, compose=compose_ticket_again
)
