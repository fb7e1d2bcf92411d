"""The demo's booking by a professional: a personal adviser from Luton books three young people."""

from __future__ import annotations

from nclw.events.models import Event
from nclw.registrations.bookings import Professional, YoungPerson, book_for_young_people
from nclw.timezones import utcnow

LUTON_ADVISER = Professional(
    name="Dee Okafor",
    email="dee.okafor@luton.example.org",
    organisation="Luton Borough Council leaving care team",
    role="Personal adviser",
)


def adviser_booked_three(event: Event) -> None:
    """Three young people booked by their adviser, one with an email of their own: the
    attendee list shows "Booked by", and the adviser's summary email is in the mailbox."""
    book_for_young_people(
        event,
        LUTON_ADVISER,
        [YoungPerson("Tia"), YoungPerson("Rob"), YoungPerson("Nia", "nia.demo@example.org")],
        declared=True,
        now=utcnow(),
    )
