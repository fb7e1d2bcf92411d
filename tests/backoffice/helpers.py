"""Helpers shared by the back-office tests."""

from __future__ import annotations

from nclw.events.models import Event
from nclw.timezones import to_uk


def event_form_data(event: Event, **changes) -> dict:
    """The event form as the edit page fills it in for `event`, with `changes`."""
    values = {
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "highlights": event.highlights,
        "host_id": event.host_id,
        "edition_id": event.edition_id,
        "starts_at": to_uk(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": to_uk(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "format": event.format.value,
        "venue_name": event.venue_name or "",
        "address": event.address or "",
        "online_url": event.online_url or "",
        "capacity": "" if event.capacity is None else str(event.capacity),
        "audience": event.audience.value,
        "registration_closes_at": "",
    }
    values.update(changes)
    return values
