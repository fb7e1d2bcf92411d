"""Subscribing to the week: feeds that calendars fetch again, per audience, kept up to date."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pytest

from nclw.events.models import Audience, EventStatus
from nclw.extensions import db
from nclw.registrations.event_changes import cancel_event, update_event
from nclw.timezones import uk_datetime, utcnow
from tests.factories import make_edition, make_event, make_user


def _feed(client, path="/week.ics") -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def _entries(calendar) -> dict[str, icalendar.Event]:
    return {str(entry["UID"]): entry for entry in calendar.walk("VEVENT")}


def test_the_week_page_offers_webcal_and_google_subscriptions(client, app):
    make_event(edition=make_edition())

    page = client.get("/").text

    site = urlsplit(app.config["SITE_URL"])
    for path in ("/week.ics", "/week/young-people.ics", "/week/professionals.ics"):
        webcal = f"webcal://{site.netloc}{path}"
        assert f'href="{webcal}"' in page
        assert f'href="{path}"' in page
        googles = [
            parse_qs(urlsplit(href).query)["cid"][0]
            for href in _hrefs(page, "https://calendar.google.com/calendar/render?cid=")
        ]
        assert webcal in googles
    assert "Follow the week in your calendar" in page


def _hrefs(page: str, start: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(rf'href="({re.escape(start)}[^"]*)"', page)]


def test_a_feed_asks_to_be_fetched_again_every_hour(client):
    make_event(edition=make_edition())

    raw = client.get("/week.ics").get_data(as_text=True)

    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert "X-PUBLISHED-TTL:PT1H\r\n" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["METHOD"] == "PUBLISH"
    [entry] = calendar.walk("VEVENT")
    for name in ("UID", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "DTSTART", "DTEND"):
        assert name in entry


def test_feeds_per_audience_and_everyone_is_in_both(client):
    edition = make_edition()
    young = make_event(edition=edition, audience=Audience.CARE_EXPERIENCED, title="Cooking")
    pros = make_event(edition=edition, audience=Audience.PROFESSIONALS, title="Training")
    both = make_event(edition=edition, audience=Audience.EVERYONE, title="Festival")
    make_event(edition=edition, audience=Audience.EVERYONE, status=EventStatus.DRAFT)

    def titles(path):
        return sorted(str(e["SUMMARY"]) for e in _feed(client, path).walk("VEVENT"))

    assert titles("/week.ics") == sorted([young.title, pros.title, both.title])
    assert titles("/week/young-people.ics") == sorted([young.title, both.title])
    assert titles("/week/professionals.ics") == sorted([pros.title, both.title])
    assert client.get("/week/nobody.ics").status_code == 404
    calendar = _feed(client, "/week/professionals.ics")
    assert "professionals" in str(calendar["X-WR-CALNAME"])


@pytest.mark.parametrize("path", ["/week.ics", "/week/young-people.ics"])
def test_a_subscribed_calendar_sees_a_moved_event_move_and_a_cancelled_one_cancelled(client, path):
    edition = make_edition()
    day = edition.starts_on + timedelta(days=3)
    moving = make_event(
        edition=edition, audience=Audience.CARE_EXPERIENCED, starts_at=uk_datetime(day, 14)
    )
    called_off = make_event(edition=edition, audience=Audience.EVERYONE)
    organiser = make_user()
    before = _entries(_feed(client, path))

    new_start = uk_datetime(day, 16)
    update_event(
        moving,
        {"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)},
        actor=organiser,
        now=utcnow() + timedelta(minutes=5),
    )
    cancel_event(called_off, "The hall flooded", actor=organiser, now=utcnow())
    db.session.commit()
    after = _entries(_feed(client, path))

    # The same UIDs: a calendar updates its entries rather than adding new ones.
    assert after.keys() == before.keys()
    moved_uid = f"event-{moving.id}@nclw-events.org.uk"
    was, now = before[moved_uid], after[moved_uid]
    assert now["DTSTART"].dt == new_start
    assert now["DTSTART"].dt != was["DTSTART"].dt
    assert now["SEQUENCE"] > was["SEQUENCE"]
    assert now["LAST-MODIFIED"].dt > was["LAST-MODIFIED"].dt
    cancelled_uid = f"event-{called_off.id}@nclw-events.org.uk"
    assert "STATUS" not in before[cancelled_uid]
    assert after[cancelled_uid]["STATUS"] == "CANCELLED"
    assert after[cancelled_uid]["SEQUENCE"] > before[cancelled_uid]["SEQUENCE"]


def test_a_feed_never_carries_a_joining_link(client):
    event = make_event(edition=make_edition())

    for path in ("/week.ics", "/week/young-people.ics", "/week/professionals.ics"):
        assert event.online_url not in client.get(path).get_data(as_text=True)
        assert unquote(event.online_url) not in client.get(path).get_data(as_text=True)
