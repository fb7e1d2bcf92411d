"""Links to a ticket page: a new one in each email, found again by its hash; and the link a
ticket's QR code holds."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.events.localised import local_text
from nclw.events.models import EventStatus
from nclw.events.public_actions import calendar_offered
from nclw.extensions import db
from nclw.links import event_url, site_address, ticket_url
from nclw.mail import ical
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


def ticket_for_link(raw: str) -> Registration | None:
    """The ticket a link opens for its holder; None too once the holder's details are deleted
    (their links are forgotten then, and this holds should one be left)."""
    registration = registration_for_link(raw)
    if registration is None or registration.anonymised_at:
        return None
    return registration


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


def ticket_check_in_link(registration: Registration) -> str:
    """What a ticket's QR code holds: the desk's address with the ticket's reference filled in
    (a phone's own camera opens it; the desk's scanner reads the reference from it).

    Written out rather than built with url_for: emails are written by the mail sender,
    outside any request. The back office's check-in desk answers at this path, in no
    particular language: the code is for the door staff, not the ticket's holder.
    """
    query = urlencode({"reference": registration.reference})
    return site_address(f"/admin/events/{registration.event_id}/check-in?{query}")


def has_door_code(registration: Registration) -> bool:
    """Whether the ticket has a QR code to show at the door: confirmed, for an event with a
    door (in person or hybrid) that is still on."""
    event = registration.event
    on = event.status != EventStatus.CANCELLED
    return registration.is_confirmed and event.is_in_person and on


def ticket_calendar_links(registration: Registration, *, now: datetime) -> dict[str, str] | None:
    """'Add to Google Calendar' and 'Add to Outlook' links for a ticket, or None when there is
    nothing to add: the ticket is not confirmed, or the event is cancelled or over.

    The details name the ticket's reference and the event's public page, never the joining
    link or the ticket's own link: the other site keeps them. A discreet ticket gets the
    neutral title its invite has, and no event page.
    """
    event = registration.event
    if not registration.is_confirmed or not calendar_offered(event, now=now):
        return None
    details = _("Your ticket: %(reference)s", reference=registration.reference)
    if registration.discreet:
        title = ical.NEUTRAL_ONLINE_TITLE if event.is_online else ical.NEUTRAL_TITLE
    else:
        title = local_text(event, "title")
        details += f"\n{local_text(event, 'summary')}\n{event_url(event.slug)}"
    return ical.web_calendar_links(event, title=title, details=details)
