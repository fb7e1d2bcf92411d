"""Links to a ticket page: a new one in each email, found again by its hash."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.extensions import db
from nclw.links import ticket_url
from nclw.registrations.models import Registration, TicketLink
from nclw.timezones import utcnow
from nclw.tokens import MAX_TOKEN_LENGTH, hash_token, new_link_token


def new_ticket_link(registration_id: int) -> str:
    """A new link token for this ticket (added to the session); returns the raw token."""
    raw = new_link_token()
    db.session.add(
        TicketLink(registration_id=registration_id, token_hash=hash_token(raw), created_at=utcnow())
    )
    return raw


def new_ticket_url(registration: Registration) -> str:
    """The address of this ticket's page, for one email."""
    return ticket_url(new_ticket_link(registration.id))


def registration_for_link(raw: str) -> Registration | None:
    """The registration a ticket link points at, or None (links are never guessable)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        sa.select(Registration)
        .join(TicketLink, TicketLink.registration_id == Registration.id)
        .where(TicketLink.token_hash == hash_token(raw))
    )


def registration_id_for_link(raw: str) -> int | None:
    """Just the id, for counting questions per ticket rather than per link."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        sa.select(TicketLink.registration_id).where(TicketLink.token_hash == hash_token(raw))
    )


def forget_ticket_links(registration_ids) -> None:
    """Stop every link to these tickets working (their details are being deleted)."""
    db.session.execute(
        sa.delete(TicketLink)
        .where(TicketLink.registration_id.in_(registration_ids))
        .execution_options(synchronize_session=False)
    )
