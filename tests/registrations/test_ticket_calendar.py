"""A ticket's page offers Google Calendar and Outlook as well as the .ics file."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from nclw.events.models import EventFormat, EventStatus
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.ticket_links import ticket_calendar_links
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

STARTS = datetime(2030, 10, 28, 14, 0, tzinfo=UTC)  # 14:00 in London, after the clocks go back


def _links(page_text: str) -> dict[str, dict[str, list[str]]]:
    """The two web calendar links on a page, as query dictionaries."""
    found = {}
    for href in re.findall(r'href="(https://[^"]+)"', page_text):
        url = urlsplit(html.unescape(href))
        if url.netloc == "calendar.google.com":
            found["google"] = parse_qs(url.query)
        elif url.netloc == "outlook.live.com":
            found["outlook"] = parse_qs(url.query)
    return found


def test_the_ticket_page_links_to_google_and_outlook_with_utc_times(client):
    event = make_event(
        title="Money skills",
        starts_at=STARTS,
        format=EventFormat.HYBRID,
        venue_name="Town Hall",
        address="1 High St",
    )
    person = make_registration(event)

    page = client.get(f"/tickets/{person.link_token}")

    assert f"/tickets/{person.link_token}/invite.ics" in page.text
    links = _links(page.text)
    google, outlook = links["google"], links["outlook"]
    assert google["action"] == ["TEMPLATE"]
    assert google["text"] == ["Money skills"]
    assert google["dates"] == ["20301028T140000Z/20301028T153000Z"]
    assert google["location"] == ["Town Hall, 1 High St"]
    assert outlook["subject"] == ["Money skills"]
    assert outlook["startdt"] == ["2030-10-28T14:00:00Z"]
    assert outlook["enddt"] == ["2030-10-28T15:30:00Z"]
    assert outlook["path"] == ["/calendar/action/compose"]
    # Another company keeps these: the reference yes, the joining link and ticket link never.
    for query in (google, outlook):
        words = str(query)
        assert person.reference in words
        assert event.online_url not in words
        assert person.link_token not in words
        assert "/tickets/" not in words


def test_an_online_event_is_online_and_a_discreet_ticket_keeps_its_neutral_title(app):
    event = make_event(title="Care leavers' money clinic", starts_at=STARTS)
    person = make_registration(event, discreet=True)

    links = ticket_calendar_links(person, now=utcnow())

    google = parse_qs(urlsplit(links["google"]).query)
    assert google["location"] == ["Online"]
    assert google["text"] == ["Online session"]
    assert "Care" not in str(google) and event.slug not in str(google)


@pytest.mark.parametrize("case", ["cancelled ticket", "cancelled event", "waiting", "over"])
def test_no_calendar_links_for_a_ticket_with_nothing_to_add(client, case):
    if case == "cancelled event":
        event = make_event(status=EventStatus.CANCELLED)
    elif case == "over":
        event = make_event(starts_at=utcnow() - timedelta(days=2))
    else:
        event = make_event()
    status = {
        "cancelled ticket": RegistrationStatus.CANCELLED,
        "waiting": RegistrationStatus.WAITING,
    }.get(case, RegistrationStatus.CONFIRMED)
    person = make_registration(event, status=status)

    page = client.get(f"/tickets/{person.link_token}")

    assert page.status_code == 200
    assert _links(page.text) == {}
    assert "Add to Google Calendar" not in page.text
