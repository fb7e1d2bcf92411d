"""Reading the week: which week is on, what is in it, and whether sign-up is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nclw.events.models import Audience, Edition, Event, EventFormat, EventStatus
from nclw.extensions import db
from nclw.timezones import format_day, to_uk


@dataclass(frozen=True)
class WeekFilters:
    """Filters from the week page's query string; unknown values are ignored."""

    format: EventFormat | None = None
    audience: Audience | None = None

    @classmethod
    def from_args(cls, args) -> WeekFilters:
        fmt = args.get("format", "")
        audience = args.get("audience", "")
        return cls(
            format=EventFormat(fmt) if fmt in EventFormat._value2member_map_ else None,
            audience=Audience(audience) if audience in Audience._value2member_map_ else None,
        )


def current_edition(*, today: date) -> Edition | None:
    """The week happening now or next; failing that, the most recent one."""
    upcoming = db.session.scalar(
        sa.select(Edition).where(Edition.ends_on >= today).order_by(Edition.starts_on).limit(1)
    )
    if upcoming:
        return upcoming
    return db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()).limit(1))


def edition_for_year(year: int) -> Edition | None:
    """The week held in a given year."""
    return db.session.scalar(sa.select(Edition).where(Edition.year == year))


def published_events(edition: Edition, filters: WeekFilters | None = None) -> list[Event]:
    """The week's published and cancelled events in time order, hosts loaded in one query."""
    query = (
        sa.select(Event)
        .where(
            Event.edition_id == edition.id,
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
        )
        .options(selectinload(Event.host))
        .order_by(Event.starts_at, Event.title)
    )
    if filters and filters.format:
        query = query.where(Event.format == filters.format)
    if filters and filters.audience:
        query = query.where(Event.audience == filters.audience)
    return list(db.session.scalars(query))


def group_by_day(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """Events grouped under 'Wednesday 28 October', by their UK start day."""
    return [
        (format_day(events_of_day[0].starts_at), events_of_day)
        for _, grouped in groupby(events, key=lambda event: to_uk(event.starts_at).date())
        for events_of_day in [list(grouped)]
    ]


def get_public_event(slug: str) -> Event | None:
    """A published or cancelled event by its slug (drafts are not public)."""
    return db.session.scalar(
        sa.select(Event)
        .where(
            Event.slug == slug,
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
        )
        .options(selectinload(Event.host))
    )


def availability(event: Event, *, now: datetime) -> str:
    """'12 places left', 'Waiting list open', 'Sign-up closed' and so on."""
    from nclw.registrations.services import sign_up_closed_reason

    if event.status == EventStatus.CANCELLED:
        return "Cancelled"
    if sign_up_closed_reason(event, now=now):
        if event.registration_opens_at and now < event.registration_opens_at:
            return "Sign-up opens soon"
        return "Sign-up closed"
    left = event.places_left
    if left is None:
        return "Places available"
    if left == 0:
        return "Waiting list open"
    return f"{left} place left" if left == 1 else f"{left} places left"
