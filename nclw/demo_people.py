"""A demo person's ticket, written as a sign-up leaves one: every part of the demo uses it."""

from __future__ import annotations

from nclw.addresses import normalise_email
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.services import new_reference


def demo_ticket(event: Event, first_name: str, email: str, **fields) -> Registration:
    """A ticket for `event`, its address normalised and its reference new, added to the
    session; `fields` set the rest (status, times, what the event's audience asks)."""
    ticket = Registration(
        event_id=event.id,
        first_name=first_name,
        email=email,
        email_normalised=normalise_email(email),
        reference=new_reference(),
        **fields,
    )
    db.session.add(ticket)
    return ticket
