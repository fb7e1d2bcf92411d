"""What the API says about an event: public facts only, never people or joining links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nclw.events.details import WELSH_FIELDS
from nclw.events.models import Edition, Event
from nclw.events.services import availability
from nclw.links import absolute_url, event_url
from nclw.timezones import format_when


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def edition(week: Edition) -> dict[str, Any]:
    """The week itself."""
    return {
        "year": week.year,
        "theme": week.theme,
        "starts_on": week.starts_on.isoformat(),
        "ends_on": week.ends_on.isoformat(),
    }


def event(item: Event, *, now: datetime) -> dict[str, Any]:
    """One event as JSON."""
    return {
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "description": item.description,
        # In Welsh too, where the organisers wrote it (null where they did not).
        **{name: getattr(item, name) or None for name in WELSH_FIELDS},
        "highlights": item.highlight_list,
        "status": item.status.value,
        "cancel_reason": item.cancel_reason if item.status.value == "cancelled" else None,
        "starts_at": _iso(item.starts_at),
        "ends_at": _iso(item.ends_at),
        "when": format_when(item.starts_at, item.ends_at),
        "format": item.format.value,
        "audience": item.audience.value,
        "ages": {"min": item.min_age, "max": item.max_age, "in_words": item.age_rule},
        "venue_name": item.venue_name if item.is_in_person else None,
        "address": item.address if item.is_in_person else None,
        "host": {"name": item.host.name, "website": item.host.website},
        "capacity": item.capacity,
        "places_left": item.places_left,
        "availability": availability(item, now=now),
        "url": event_url(item.slug),
        "sign_up_url": absolute_url(f"/events/{item.slug}/register"),
        "calendar_url": absolute_url(f"/events/{item.slug}.ics"),
    }
