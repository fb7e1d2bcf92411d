"""An event's report counts the places given back by each route, and those taken again."""

from __future__ import annotations

import html

import pytest

from nclw.registrations.models import ReleaseRoute
from nclw.reports.releases import release_lines
from tests.conftest import login
from tests.factories import make_event, make_registration
from tests.reports.helpers import known_week


def test_each_route_is_counted_with_the_places_taken_again(app):
    event = make_event()
    for route, taken in [
        (ReleaseRoute.REMINDER, True),
        (ReleaseRoute.REMINDER, False),
        (ReleaseRoute.CALENDAR_REPLY, True),
        (ReleaseRoute.ORGANISER, False),
    ]:
        make_registration(event, status="cancelled", released_via=route, place_taken_again=taken)
    make_registration(event, status="cancelled")  # left the waiting list: no place released
    make_registration(make_event(), status="cancelled", released_via=ReleaseRoute.REMINDER)

    counts = {line.label: (line.released, line.taken_again) for line in release_lines(event)}
    assert counts == {
        "On their ticket page": (0, 0),
        "From a reminder email": (2, 1),
        "By saying no in their calendar": (1, 1),
        "By the organisers": (1, 0),
    }


def test_an_expired_offer_shows_once_there_is_one(app):
    event = make_event()
    make_registration(event, status="cancelled", released_via=ReleaseRoute.EXPIRED_OFFER)
    labels = [line.label for line in release_lines(event)]
    assert labels[-1] == "An offered place ran out"


@pytest.fixture
def week(app):
    return known_week()


def test_the_organisers_report_page_shows_the_section_and_names_nobody(client, week):
    login(client, week.organiser)
    page = html.unescape(client.get(f"/admin/events/{week.event.id}/report").text)
    section = page.split("<h2>Places given back</h2>", 1)[1]
    assert '<th scope="row">On their ticket page</th><td>1</td><td>1</td>' in section
    assert '<th scope="row">By the organisers</th><td>1</td><td>1</td>' in section
    assert '<th scope="row">All routes</th><td>2</td><td>2</td>' in section
    for name in ("Ava", "Ben", "example.com", "NCLW-"):
        assert name not in section
