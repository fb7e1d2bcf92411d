"""The demo's event split into time slots: twelve 20-minute mock interviews, five taken."""

from __future__ import annotations

from datetime import date, timedelta

from nclw.demo_people import demo_ticket
from nclw.events.models import Audience, Edition, Event, EventFormat, EventStatus, Organisation
from nclw.extensions import db
from nclw.registrations import slot_changes, slots
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import uk_datetime, utcnow

# Who holds which slot (by its number, from 0): some early, one late, gaps between.
TAKEN = [("Amara", 0), ("Jay", 1), ("Leon", 3), ("Chloe", 4), ("Tomasz", 9)]


def mock_interviews(edition: Edition, host: Organisation, day: date) -> Event:
    """Accenture's mock interviews: people choose a 20-minute slot when they sign up, and can
    change it from their ticket; five slots are taken."""
    event = Event(
        slug=f"mock-interviews-{edition.year}",
        title="Mock interviews: 20 minutes with a recruiter",
        summary="Practise a job interview with a recruiter, and get honest, kind feedback.",
        description=(
            "Choose a 20-minute slot. A recruiter from Accenture asks you the questions real "
            "interviews ask, then tells you what went well and what to work on."
        ),
        highlights="Your own 20-minute slot\nFeedback you can use straight away",
        starts_at=uk_datetime(day, 10),
        ends_at=uk_datetime(day, 14),
        format=EventFormat.ONLINE,
        online_url="https://meet.example.org/mock-interviews",
        audience=Audience.CARE_EXPERIENCED,
        host=host,
        edition=edition,
        status=EventStatus.PUBLISHED,
    )
    db.session.add(event)
    db.session.flush()
    made = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=12, minutes=20, now=utcnow()
    )
    for name, number in TAKEN:
        person = demo_ticket(
            event,
            name,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=utcnow() - timedelta(days=2),
            declared_care_experienced=True,
        )
        db.session.flush()
        # As a sign-up takes them: the slot's place and the event's, then the booking.
        slots.take_slot(made[number].id, event.id)
        event.confirmed_count += 1
        slots.book(person.id, made[number].id)
    db.session.flush()
    return event
