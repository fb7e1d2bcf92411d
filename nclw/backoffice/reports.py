"""What the dashboard reads: counts per event, sign-ups per day, work waiting elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from sqlalchemy.orm import selectinload

from nclw.events.models import Edition, Event
from nclw.extensions import db
from nclw.mail import status as mail_status
from nclw.partners.queries import (
    proposals_awaiting_review_count,
    session_changes_awaiting_review_count,
)
from nclw.questions.services import pending_counts
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.reports.figures import count_by_uk_day


@dataclass(frozen=True)
class EventFigures:
    """One event's row on the dashboard."""

    event: Event
    confirmed: int
    waiting: int
    # Places held for an offer not yet claimed: counted in `confirmed` (the places taken).
    offered: int
    checked_in: int
    questions_waiting: int


def event_figures(edition: Edition, questions_waiting: dict[int, int]) -> list[EventFigures]:
    """Every event of the week with its confirmed, waiting and checked-in counts."""
    counts = db.session.execute(
        sa.select(
            Registration.event_id,
            sa.func.count().filter(Registration.status == RegistrationStatus.WAITING),
            sa.func.count().filter(Registration.checked_in_at.is_not(None)),
            sa.func.count().filter(Registration.status == RegistrationStatus.OFFERED),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Event.edition_id == edition.id)
        .group_by(Registration.event_id)
    ).all()
    by_event = {event_id: tuple(rest) for event_id, *rest in counts}
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.edition_id == edition.id)
        .options(selectinload(Event.host))
        .order_by(Event.starts_at, Event.title)
    )
    return [
        EventFigures(
            event=event,
            confirmed=event.confirmed_count,
            waiting=by_event.get(event.id, (0, 0, 0))[0],
            checked_in=by_event.get(event.id, (0, 0, 0))[1],
            offered=by_event.get(event.id, (0, 0, 0))[2],
            questions_waiting=questions_waiting.get(event.id, 0),
        )
        for event in events
    ]


def signups_per_day(edition: Edition, *, today: date, days: int = 14) -> list[tuple[str, int]]:
    """Sign-ups to the week's events on each of the last `days` days (UK dates)."""
    first = today - timedelta(days=days - 1)
    moments = db.session.scalars(
        sa.select(Registration.created_at)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.edition_id == edition.id,
            # A day's margin either side: UK midnight is not UTC midnight.
            Registration.created_at >= _start_of(first - timedelta(days=1)),
        )
        .execution_options(yield_per=5000)
    )
    per_day = count_by_uk_day(moments)
    return [
        (format_date(day, "EEE d"), per_day.get(day, 0))
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def editions() -> list[Edition]:
    """Every week, newest first."""
    return list(db.session.scalars(sa.select(Edition).order_by(Edition.year.desc())))


def questions_waiting() -> dict[int, int]:
    """Questions awaiting moderation, per event id."""
    return pending_counts()


def proposals_waiting() -> int:
    """Partner proposals awaiting an organiser's review."""
    return proposals_awaiting_review_count()


def session_changes_waiting() -> int:
    """Partners' changes to live sessions awaiting an organiser's review."""
    return session_changes_awaiting_review_count()


def mail_health() -> dict:
    """Pending and failed outgoing mail, and how old the oldest pending message is."""
    return mail_status.mail_health()
