"""Sign-up emails written by the mail sender just before it sends them, not in the request."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, with_expression

from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.mail.outbox import Composed, SendTimeComposer, fill_in
from nclw.registrations.messages import ticket_confirmed, waiting_list_place
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slots import has_slots_clause

# Messages the sender writes just before sending (queued by outbox.queue_email_to_compose),
# each with the state of the place it tells the person about.
COMPOSED_WHEN_SENT = {
    "ticket_confirmed": (ticket_confirmed, RegistrationStatus.CONFIRMED),
    "waiting_list": (waiting_list_place, RegistrationStatus.WAITING),
}


def compose_queued(message: OutboxMessage) -> Composed:
    """Write a queued message's subject and bodies from its registration as it stands now.

    A change made since signing up (a new time, say) is already in it. Nothing is written
    for a registration whose details were deleted, or whose place has since changed.
    """
    if message.text_body is not None:
        return Composed.WRITTEN
    compose, describes = COMPOSED_WHEN_SENT.get(message.kind, (None, None))
    registration = (
        db.session.get(Registration, message.registration_id) if message.registration_id else None
    )
    if compose is None or registration is None or registration.anonymised_at is not None:
        return Composed.NOTHING_TO_SEND
    if registration.status != describes:
        return Composed.SUPERSEDED
    fill_in(message, compose(registration))
    return Composed.WRITTEN


def _load_registrations(rows: list[OutboxMessage]) -> list[Registration]:
    # One query for the batch instead of one per message. The session finds them for
    # compose_queued while the sender holds the list returned.
    ids = {row.registration_id for row in rows if row.registration_id}
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.id.in_(ids))
            .options(
                joinedload(Registration.event).options(
                    joinedload(Event.host),
                    # Most events have no slots: knowing it, no message asks for the ticket's.
                    with_expression(Event.has_slots, has_slots_clause(Event.id)),
                )
            )
        )
    )


#: Handed to the mail sender by the app (see nclw.mail.outbox.use_send_time_composer).
SEND_TIME_COMPOSER = SendTimeComposer(
    kinds=frozenset(COMPOSED_WHEN_SENT), prepare=_load_registrations, compose=compose_queued
)
