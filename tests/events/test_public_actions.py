"""A cancelled or finished event offers no "Add to your calendar", on any page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nclw.events.models import EventStatus
from nclw.events.public_actions import calendar_offered
from nclw.extensions import db
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

CALENDAR_WORDS = ("Add to your calendar", "Add to Google Calendar", "Add to Outlook", ".ics")


@pytest.mark.parametrize(
    ("status", "ends_in", "offered"),
    [
        (EventStatus.PUBLISHED, timedelta(hours=1), True),
        (EventStatus.PUBLISHED, -timedelta(minutes=1), False),
        (EventStatus.CANCELLED, timedelta(days=3), False),
        (EventStatus.CANCELLED, -timedelta(days=3), False),
    ],
)
def test_only_an_event_still_on_and_still_to_end_offers_a_calendar(app, status, ends_in, offered):
    now = utcnow()
    event = make_event(status=status, starts_at=now + ends_in - timedelta(hours=1))
    event.ends_at = now + ends_in
    assert calendar_offered(event, now=now) is offered


def test_a_cancelled_events_page_offers_no_calendar_and_no_calendar_file(client):
    event = make_event(status=EventStatus.CANCELLED, cancel_reason="The venue flooded.")
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    assert "This event has been cancelled" in page.text
    for words in CALENDAR_WORDS:
        assert words not in page.text
    assert "calendar.google.com" not in page.text
    assert client.get(f"/events/{event.slug}.ics").status_code == 404


def test_an_event_still_on_offers_its_calendar(client):
    event = make_event()
    page = client.get(f"/events/{event.slug}")
    assert "Add to your calendar" in page.text
    assert "calendar.google.com" in page.text
    assert client.get(f"/events/{event.slug}.ics").status_code == 200


def test_a_ticket_for_a_cancelled_event_offers_no_calendar(client):
    event = make_event()
    person = make_registration(event)
    assert "Add to your calendar" in client.get(f"/tickets/{person.link_token}").text
    event.status = EventStatus.CANCELLED
    db.session.commit()
    page = client.get(f"/tickets/{person.link_token}")
    for words in CALENDAR_WORDS:
        assert words not in page.text
    assert "calendar.google.com" not in page.text
