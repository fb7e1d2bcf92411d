"""How a ticket page names what it shows: a ticket, or a place on the waiting list.

Someone waiting holds no ticket yet; a page that says "Your ticket" to them promises a seat
they do not have.
"""

from __future__ import annotations

from dataclasses import dataclass

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


TICKET = TicketWords(
    "Your ticket",
    "Ticket reference",
    "ticket",
    "Cancel my ticket",
    waiting=False,
    your_reference="Your ticket reference",
)
WAITING = TicketWords(
    "You are on the waiting list",
    "Waiting list reference",
    "place on the waiting list",
    "Leave the waiting list",
    waiting=True,
    your_reference="Your waiting list reference",
)


def ticket_words(registration: Registration) -> TicketWords:
    """The words for this registration's page: waiting (or offered a place not yet claimed)
    is a place on the waiting list; everything else is a ticket, kept or cancelled."""
    if registration.is_waiting or registration.is_offered:
        return WAITING
    return TICKET
