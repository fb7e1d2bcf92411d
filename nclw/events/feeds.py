"""The week's calendar feeds: every event, or the events for one audience."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from nclw.events.models import Audience, Edition, Event
from nclw.events.services import published_events


@dataclass(frozen=True)
class CalendarFeed:
    """One feed people can subscribe to; `name` is its address (`/week/<name>.ics`)."""

    name: str
    label: str  # a lazy string: said in the page's language
    calendar_name: str
    # The audiences whose events it carries; an event open to everyone is in every feed.
    audiences: frozenset[Audience]


# The label is shown on the week page; the calendar's own name stays English, since one
# feed's address serves every language.
EVERY_EVENT = CalendarFeed(
    "all", _l("Every event"), "National Care Leavers' Week", frozenset(Audience)
)
FEEDS = (
    EVERY_EVENT,
    CalendarFeed(
        "young-people",
        _l("Events for care-experienced young people"),
        "National Care Leavers' Week: young people",
        frozenset({Audience.CARE_EXPERIENCED, Audience.EVERYONE}),
    ),
    CalendarFeed(
        "professionals",
        _l("Events for professionals"),
        "National Care Leavers' Week: professionals",
        frozenset({Audience.PROFESSIONALS, Audience.EVERYONE}),
    ),
)
_BY_NAME = {feed.name: feed for feed in FEEDS}


def feed_named(name: str) -> CalendarFeed | None:
    """The feed with this address, or None."""
    return _BY_NAME.get(name)


def feed_events(edition: Edition | None, feed: CalendarFeed) -> list[Event]:
    """The week's published and cancelled events for this feed, in time order.

    Cancelled events stay in, marked cancelled, so calendars that have them take them out.
    """
    if edition is None:
        return []
    return [event for event in published_events(edition) if event.audience in feed.audiences]
