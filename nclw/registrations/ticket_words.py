"""How a ticket page names what it shows: a ticket, or a place on the waiting list.

Someone waiting holds no ticket yet; a page that says "Your ticket" to them promises a seat
they do not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from nclw.registrations.models import Registration


@dataclass(frozen=True)
class TicketWords:
    heading: str
    reference_label: str
    # What the person holds, after "your": "ticket" or "place on the waiting list".
    held: str
    cancel_button: str
    waiting: bool
    # The line under every email about it: "Your ticket reference: NCLW-…".
    your_reference: str
    # Its link in every email about it.
    manage: str


TICKET = TicketWords(
    _l("Your ticket"),
    _l("Ticket reference"),
    _l("ticket"),
    _l("Cancel my ticket"),
    waiting=False,
    your_reference=_l("Your ticket reference"),
    manage=_l("Manage or cancel your ticket"),
)
WAITING = TicketWords(
    _l("You are on the waiting list"),
    _l("Waiting list reference"),
    _l("place on the waiting list"),
    _l("Leave the waiting list"),
    waiting=True,
    your_reference=_l("Your waiting list reference"),
    manage=_l("Manage or cancel your place on the waiting list"),
)


def ticket_words(registration: Registration) -> TicketWords:
    """The words for this registration's page: waiting (or offered a place not yet claimed)
    is a place on the waiting list; everything else is a ticket, kept or cancelled."""
    if registration.is_waiting or registration.is_offered:
        return WAITING
    return TICKET
