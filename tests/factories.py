"""Build model objects with sensible defaults; override only what a test is about."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from functools import cache

from nclw.accounts.models import DoorStaffAssignment, Role, User
from nclw.accounts.services import hash_password
from nclw.events.models import (
    Audience,
    Edition,
    Event,
    EventFormat,
    EventStatus,
    Organisation,
    OrganisationKind,
)
from nclw.extensions import db
from nclw.registrations.models import (
    EventMessage,
    EventMessageState,
    MessageAudience,
    Registration,
    RegistrationStatus,
)
from nclw.registrations.services import new_reference
from nclw.registrations.ticket_links import new_ticket_link
from nclw.timezones import utcnow

_counter = itertools.count(1)


def make_edition(**overrides) -> Edition:
    today = utcnow().date()
    values = {
        "year": today.year + 1,
        "theme": "Care leavers with careers",
        "starts_on": today + timedelta(days=1),
        "ends_on": today + timedelta(days=40),
    }
    values.update(overrides)
    existing = db.session.query(Edition).filter_by(year=values["year"]).one_or_none()
    if existing:
        return existing
    edition = Edition(**values)
    db.session.add(edition)
    db.session.flush()
    return edition


def make_organisation(**overrides) -> Organisation:
    n = next(_counter)
    values = {"name": f"Organisation {n}", "kind": OrganisationKind.CHARITY, "is_partner": True}
    values.update(overrides)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_event(
    *,
    starts_at: datetime | None = None,
    capacity: int | None = 10,
    status: EventStatus = EventStatus.PUBLISHED,
    audience: Audience = Audience.EVERYONE,
    **overrides,
) -> Event:
    n = next(_counter)
    starts_at = starts_at or utcnow().replace(microsecond=0) + timedelta(days=10)
    values = {
        "slug": f"event-{n}",
        "title": f"Event {n}",
        "summary": "A test event.",
        "description": "More about the test event.",
        "highlights": "One thing\nAnother thing",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1, minutes=30),
        "format": EventFormat.ONLINE,
        "online_url": "https://meet.example.org/secret-room",
        "capacity": capacity,
        "audience": audience,
        "status": status,
    }
    values.update(overrides)
    if "edition" not in values and "edition_id" not in values:
        values["edition"] = make_edition()
    if "host" not in values and "host_id" not in values:
        values["host"] = make_organisation()
    event = Event(**values)
    db.session.add(event)
    db.session.commit()
    return event


def make_registration(event: Event, **overrides) -> Registration:
    """A registration written directly (bypassing the rules); keeps the event's count right."""
    n = next(_counter)
    status = overrides.pop("status", RegistrationStatus.CONFIRMED)
    email = overrides.pop("email", f"person{n}@example.com")
    now = utcnow()
    values = {
        "event_id": event.id,
        "first_name": f"Person{n}",
        "email": email,
        "email_normalised": email.lower(),
        "status": status,
        "reference": new_reference(),
        "created_at": now,
        "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
        "waiting_since": now + timedelta(microseconds=n) if status == "waiting" else None,
    }
    values.update(overrides)
    registration = Registration(**values)
    db.session.add(registration)
    if status == RegistrationStatus.CONFIRMED:
        event.confirmed_count += 1
    db.session.flush()
    # The raw link, as the person's email would carry it; the database keeps only its hash.
    registration.link_token = new_ticket_link(registration.id)
    db.session.commit()
    return registration


def ticket_link(registration: Registration) -> str:
    """A new raw link to this ticket, as a fresh email would carry it."""
    raw = new_ticket_link(registration.id)
    db.session.commit()
    return raw


@cache
def password_hash(password: str) -> str:
    """The site's own salted scrypt hash of `password`, made once per password per session.

    Each hash takes a tenth of a second by design; a test signs its users in through the
    real check, which needs a real hash, not a new salt for every user.
    """
    return hash_password(password)


def make_user(role: Role = Role.ORGANISER, password: str = "correct horse battery", **overrides):
    """A user who can sign in with `password`."""
    n = next(_counter)
    values = {
        "email": f"user{n}@example.org",
        "name": f"User {n}",
        "role": role,
        "password_hash": password_hash(password),
        "session_token": f"token-{n}",
    }
    if role == Role.PARTNER and "organisation" not in overrides:
        values["organisation"] = make_organisation()
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def give_event(user: User, event: Event) -> DoorStaffAssignment:
    """Door staff given an event, written directly (bypassing the rules)."""
    assignment = DoorStaffAssignment(event_id=event.id, user_id=user.id)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def waiting_message(event: Event, **overrides) -> EventMessage:
    """An organiser's message set to go to everyone signed up, an hour before the event."""
    values = {
        "event_id": event.id,
        "audience": MessageAudience.ALL,
        "subject": "See you soon",
        "body": "Hello {first_name}",
        "state": EventMessageState.SCHEDULED,
        "send_at": event.starts_at - timedelta(hours=1),
    }
    values.update(overrides)
    return EventMessage(**values)
