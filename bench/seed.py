"""Benchmark data: the demo week filled out to a full week with 10,000 registrations."""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta

import sqlalchemy as sa

from nclw.events.models import Audience, Edition, Event, EventFormat, EventStatus, Organisation
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import utcnow

_tokens = itertools.count(1)


def _registration_rows(event_id: int, count: int, *, confirmed: int, prefix: str) -> list[dict]:
    now = utcnow()
    rows = []
    for i in range(count):
        n = next(_tokens)
        is_confirmed = i < confirmed
        status = RegistrationStatus.CONFIRMED if is_confirmed else RegistrationStatus.WAITING
        rows.append(
            {
                "event_id": event_id,
                "first_name": f"Person {n}",
                "email": f"{prefix}{n}@example.org",
                "email_normalised": f"{prefix}{n}@example.org",
                "status": status,
                "reference": "B" + secrets.token_hex(7).upper(),
                "manage_token": secrets.token_urlsafe(32),
                "created_at": now,
                "confirmed_at": now if is_confirmed else None,
                "waiting_since": None if is_confirmed else now + timedelta(microseconds=i),
                "access_needs": "Step-free access please" if n % 7 == 0 else None,
                "declared_care_experienced": True,
                "organisation_name": None,
                "job_role": None,
                "consent_future_events": n % 3 == 0,
                "share_with_host": n % 2 == 0,
                "discreet": n % 5 == 0,
                "calendar_sequence": 0,
                "no_show": False,
            }
        )
    return rows


def insert_registrations(event: Event, count: int, *, prefix: str = "bench") -> None:
    """Insert `count` registrations (confirmed up to capacity, then waiting) in bulk."""
    capacity = count if event.capacity is None else event.capacity
    confirmed = min(count, capacity - event.confirmed_count)
    columns = {column.name for column in Registration.__table__.columns}
    for start in range(0, count, 5000):
        chunk = _registration_rows(
            event.id,
            min(5000, count - start),
            confirmed=max(0, confirmed - start),
            prefix=prefix,
        )
        rows = [{key: value for key, value in row.items() if key in columns} for row in chunk]
        db.session.execute(sa.insert(Registration), rows)
    event.confirmed_count += confirmed
    db.session.commit()


def make_bench_event(
    edition: Edition, host: Organisation, slug: str, capacity: int | None
) -> Event:
    """An open, online event for everyone, starting a month from now."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=30)
    event = Event(
        edition=edition,
        host=host,
        slug=slug,
        title=f"Benchmark session {slug}",
        summary="A session used to measure the site under load.",
        description="Measured, not real.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        format=EventFormat.ONLINE,
        online_url="https://meet.example.org/bench",
        capacity=capacity,
        audience=Audience.EVERYONE,
        status=EventStatus.PUBLISHED,
    )
    db.session.add(event)
    db.session.commit()
    return event


def seed_week(*, registrations: int = 10_000, extra_events: int = 30) -> dict:
    """The demo week plus extra events (a full week), and `registrations` spread over them."""
    from nclw.demo import seed_demo

    db.create_all()
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()))
    host = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
    for n in range(extra_events):
        day = n % 5
        starts = utcnow().replace(microsecond=0, minute=0) + timedelta(days=20 + day, hours=n % 6)
        db.session.add(
            Event(
                edition=edition,
                host=host,
                slug=f"week-session-{n}",
                title=f"Week session {n}: skills, support and stories",
                summary="Meet people who understand, learn something useful, ask questions.",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                format=EventFormat.ONLINE if n % 2 else EventFormat.IN_PERSON,
                online_url="https://meet.example.org/w" if n % 2 else None,
                venue_name=None if n % 2 else "Community hall",
                capacity=400,
                audience=Audience.EVERYONE,
                status=EventStatus.PUBLISHED,
            )
        )
    db.session.commit()
    events = list(
        db.session.scalars(
            sa.select(Event).where(Event.slug.like("week-session-%")).order_by(Event.id)
        )
    )
    per_event = registrations // len(events)
    for event in events:
        insert_registrations(event, per_event, prefix=f"w{event.id}-")
    detail = db.session.scalar(sa.select(Event).where(Event.slug.like("virtual-careers-%")))
    return {"edition_id": edition.id, "host_id": host.id, "detail_slug": detail.slug}
