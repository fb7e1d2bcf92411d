"""A cancelled event says so in the back office, and offers nothing for people coming to it:
no check-in, no door desk, no messages, no moving people. Asking anyway gets a clear 409."""

from __future__ import annotations

import pytest

from nclw.backoffice.event_pages import event_pages
from nclw.extensions import db
from nclw.registrations import event_changes
from nclw.timezones import utcnow

PEOPLE_PAGES = ("/check-in", "/message", "/slots", "/door-staff", "/attendees/bulk")


@pytest.fixture
def cancelled(week):
    told = event_changes.cancel_event(
        week.event, "The venue flooded.", actor=week.organiser, now=utcnow()
    )
    db.session.commit()
    assert told == 2
    return week.event


def test_the_event_page_shows_cancelled_instead_of_places(organiser_client, cancelled):
    page = organiser_client.get(f"/admin/events/{cancelled.id}").text
    assert '<strong class="tag tag-cancelled">Cancelled</strong>' in page
    assert "places taken" not in page
    for address in PEOPLE_PAGES:
        assert f'href="/admin/events/{cancelled.id}{address}"' not in page, address
    assert "Door staff" not in page
    # What happened stays readable.
    assert f'href="/admin/events/{cancelled.id}/attendees"' in page
    assert f'href="/admin/events/{cancelled.id}/report"' in page


def test_a_live_event_still_offers_them(organiser_client, week):
    page = organiser_client.get(f"/admin/events/{week.event.id}").text
    assert "1 of 1 places taken" in page
    for address in ("/check-in", "/message", "/slots"):
        assert f'href="/admin/events/{week.event.id}{address}"' in page, address
    assert "Door staff" in page


def test_the_list_of_pages_is_the_helpers_rule(week, cancelled):
    endpoints = {page.endpoint for page in event_pages(cancelled)}
    assert "backoffice.attendees" in endpoints
    assert not endpoints & {
        "backoffice.check_in_desk",
        "backoffice.message_attendees",
        "backoffice.event_slots",
    }


def test_the_events_list_and_dashboard_say_cancelled(organiser_client, cancelled):
    listing = organiser_client.get("/admin/events").text
    assert "Cancelled" in listing and "of 1 places taken" not in listing
    dashboard = organiser_client.get(f"/admin/?year={cancelled.edition.year}").text
    assert "Cancelled: nobody is coming." in dashboard
    assert "of 1 places taken" not in dashboard


def test_the_attendee_list_offers_no_check_in_or_bulk_moves(organiser_client, cancelled):
    page = organiser_client.get(f"/admin/events/{cancelled.id}/attendees").text
    assert "This event is cancelled" in page
    assert "check-in" not in page
    assert 'id="bulk-form"' not in page
    assert "Select everyone" not in page


@pytest.mark.parametrize(
    ("method", "address", "words"),
    [
        ("get", "/check-in", "open its check-in desk"),
        ("post", "/check-in", "open its check-in desk"),
        ("get", "/message", "message the people who signed up"),
        ("post", "/message", "message the people who signed up"),
        ("post", "/door-staff", "give it to door staff"),
        ("post", "/attendees/bulk", "move the people who signed up"),
    ],
)
def test_the_pages_for_people_coming_refuse_with_409(
    organiser_client, cancelled, method, address, words
):
    response = getattr(organiser_client, method)(f"/admin/events/{cancelled.id}{address}")
    assert response.status_code == 409
    assert "This event is cancelled, so you cannot" in response.text
    assert words in response.text


def test_checking_in_someone_found_by_name_is_refused(organiser_client, week, cancelled):
    response = organiser_client.post(f"/admin/events/{cancelled.id}/check-in/{week.confirmed.id}")
    assert response.status_code == 409


def test_giving_a_place_is_refused(organiser_client, week, cancelled):
    response = organiser_client.post(f"/admin/registrations/{week.waiting.id}/promote")
    assert response.status_code == 409
    assert "cannot give anyone a place" in response.text


def test_door_staff_see_it_is_cancelled_and_get_no_desk_link(door_client, cancelled):
    page = door_client.get("/door/").text
    assert "This event is cancelled" in page
    assert f"/admin/events/{cancelled.id}/check-in" not in page
    assert door_client.get(f"/admin/events/{cancelled.id}/check-in").status_code == 409
