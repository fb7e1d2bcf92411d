"""A demo person's ticket, written as a sign-up leaves one: every part of the demo uses it."""

from __future__ import annotations

from nclw.addresses import normalise_email
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.services import new_reference


def demo_ticket(event: Event, first_name: str, *tags: object, **fields) -> Registration:
    """A ticket for `event`, its reference new, added to the session; `fields` set the rest
    (status, times, what the event's audience asks).

    The address is made from the name, the event and `tags`: `demo_ticket(event, "Sam", 3)`
    is sam.<event id>.3@example.org, unique where the tags tell the event's people apart.
    """
    email = ".".join([first_name.lower(), str(event.id), *map(str, tags)]) + "@example.org"
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
