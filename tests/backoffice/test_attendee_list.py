"""The attendee list: cards with tick boxes, doing one thing to many people through a
confirmation step, and the sign-in sheet and badges to print."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.registrations.models import RegistrationStatus
from tests.conftest import login, make_test_app
from tests.factories import make_event, make_registration, make_user
from tests.support.html_validation import assert_valid_pages


def _bulk(event) -> str:
    return f"/admin/events/{event.id}/attendees/bulk"


def _actions(action: str) -> int:
    return len(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all())


def test_each_person_is_a_card_with_a_tick_box_for_the_form_after_the_list(organiser_client, week):
    page = organiser_client.get(f"/admin/events/{week.event.id}/attendees").text
    assert '<ul class="attendee-list"' in page and "<table" not in page
    for person in (week.confirmed, week.waiting):
        assert f'name="person" value="{person.id}" form="bulk-form"' in page
    assert 'id="bulk-form"' in page and "Select everyone on this page (2 people)" in page
    assert "Print a sign-in sheet" in page and "print name badges" in page


def test_check_in_is_confirmed_with_a_count_then_done_to_each(organiser_client, week):
    week.event.capacity = 5
    sam = make_registration(week.event, first_name="Sam")
    early = make_registration(week.event, first_name="Jo", checked_in_at=db.func.now())
    chosen = [week.confirmed.id, sam.id, early.id, week.waiting.id]
    asked = organiser_client.post(_bulk(week.event), data={"action": "check_in", "person": chosen})
    assert asked.status_code == 200
    page = asked.text
    assert "Check in 2 people?" in page
    assert "2 will be left out" in page
    assert "1 is already checked in: Jo" in page and "1 is on the waiting list: Ben" in page
    assert 'name="confirmed" value="yes"' in page
    db.session.refresh(sam)
    assert sam.checked_in_at is None  # nothing happens before the organiser confirms

    done = organiser_client.post(
        _bulk(week.event) + "?status=confirmed",
        data={"action": "check_in", "person": chosen, "confirmed": "yes"},
    )
    assert done.status_code == 302
    assert done.location.endswith(f"/admin/events/{week.event.id}/attendees?status=confirmed")
    listed = organiser_client.get(done.location).text
    assert "2 people are checked in." in listed
    assert "1 is already checked in, so was left out: Jo" in listed
    db.session.refresh(sam)
    db.session.refresh(week.confirmed)
    assert sam.checked_in_at and week.confirmed.checked_in_at
    assert _actions("registration.checked_in") == 2


def test_everyone_on_the_page_can_be_chosen_without_ticking_each(organiser_client, week):
    data = {
        "action": "message",
        "everyone_on_page": "yes",
        "on_page": [week.confirmed.id, week.waiting.id],
    }
    asked = organiser_client.post(_bulk(week.event), data=data)
    assert "Send a message to 2 people?" in asked.text
    unwritten = organiser_client.post(_bulk(week.event), data={**data, "confirmed": "yes"})
    assert unwritten.status_code == 400 and "Write a subject and a message." in unwritten.text
    sent = organiser_client.post(
        _bulk(week.event),
        data={**data, "confirmed": "yes", "subject": "Lunch", "body": "Lunch is at one."},
        follow_redirects=True,
    )
    assert "Your message is on its way to 2 people." in sent.text
    assert _actions("event.messaged") == 1


def test_cancelling_asks_for_the_reason_they_will_read(organiser_client, week):
    data = {"action": "cancel", "person": [week.confirmed.id], "confirmed": "yes"}
    unexplained = organiser_client.post(_bulk(week.event), data=data)
    assert unexplained.status_code == 400 and "Say why you are cancelling it" in unexplained.text
    assert 'name="reason"' in unexplained.text
    organiser_client.post(_bulk(week.event), data={**data, "reason": "The venue is closed."})
    db.session.refresh(week.confirmed)
    db.session.refresh(week.waiting)
    assert week.confirmed.status == RegistrationStatus.CANCELLED
    assert week.waiting.status == RegistrationStatus.CONFIRMED  # the freed place went on


@pytest.mark.parametrize("confirmed", ["", "yes"])
def test_bad_input_is_a_400_and_another_events_people_are_never_touched(
    organiser_client, week, confirmed
):
    theirs = make_registration(make_event(), first_name="Zed")
    url = _bulk(week.event)
    nobody = organiser_client.post(url, data={"action": "check_in", "confirmed": confirmed})
    assert nobody.status_code == 400 and "Select at least one person." in nobody.text
    no_action = organiser_client.post(url, data={"person": [week.confirmed.id]})
    assert no_action.status_code == 400
    assert "Choose what to do with the people you selected" in no_action.text
    odd = organiser_client.post(url, data={"action": "delete", "person": [week.confirmed.id]})
    assert odd.status_code == 400
    mixed = organiser_client.post(
        url,
        data={
            "action": "check_in",
            "person": [week.confirmed.id, theirs.id, "x", "99999999999"],
            "confirmed": confirmed,
        },
    )
    assert mixed.status_code == 400 and "not signed up for this event" in mixed.text
    # The people already ticked stay ticked on the list drawn again.
    assert f'value="{week.confirmed.id}" form="bulk-form" checked' in mixed.text
    db.session.refresh(theirs)
    db.session.refresh(week.confirmed)
    assert theirs.checked_in_at is None and week.confirmed.checked_in_at is None
    assert _actions("registration.checked_in") == 0
    assert organiser_client.post("/admin/events/999999/attendees/bulk").status_code == 404


def test_only_organisers_reach_it(client, week, door):
    login(client, door)
    response = client.post(
        _bulk(week.event), data={"action": "check_in", "person": [week.confirmed.id]}
    )
    assert response.status_code == 403
    assert client.get(f"/admin/events/{week.event.id}/register").status_code == 403


def test_the_form_needs_its_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        organiser = make_user()
        event = make_event()
        person = make_registration(event)
        client = app.test_client()
        login(client, organiser)
        page = client.get(f"/admin/events/{event.id}/attendees").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        data = {"action": "check_in", "person": [person.id], "confirmed": "yes"}
        assert client.post(_bulk(event), data=data).status_code == 400
        db.session.refresh(person)
        assert person.checked_in_at is None
        assert client.post(_bulk(event), data={**data, "csrf_token": token}).status_code == 302
        db.session.refresh(person)
        assert person.checked_in_at is not None
        db.session.remove()
        db.engine.dispose()


def test_the_sign_in_sheet_lists_confirmed_people_by_name_with_a_marker_not_their_words(
    organiser_client, week
):
    week.event.capacity = 10
    make_registration(week.event, first_name="zoe")
    make_registration(week.event, first_name="Cal", access_needs="I have a private condition")
    make_registration(week.event, first_name="Dee", access_requests="step_free")
    make_registration(week.event, first_name="Eve", status=RegistrationStatus.CANCELLED)
    page = organiser_client.get(f"/admin/events/{week.event.id}/register").text
    names = re.findall(r"<tr>\s*<td>([^<]+)</td>", page)
    assert names == ["Ava", "Cal", "Dee", "zoe"]  # not Ben (waiting) nor Eve (cancelled)
    assert page.count('<span class="access-mark" aria-hidden="true">') == 2
    assert "Key:" in page and "private condition" not in page and "step-free" not in page
    assert 'media="print"' in page

    badges = organiser_client.get(f"/admin/events/{week.event.id}/badges").text
    assert re.findall(r'<span class="badge-name">([^<]+)</span>', badges) == [
        "Ava",
        "Cal",
        "Dee",
        "zoe",
    ]
    assert "ava@example.com" not in badges and week.confirmed.reference not in badges


@pytest.mark.slow  # the Nu HTML checker is a Java program started per call
def test_the_new_pages_are_valid_and_csp_clean(organiser_client, week):
    week.event.capacity = 5
    make_registration(week.event, first_name="Cal", access_requests="step_free")
    ids = [week.confirmed.id, week.waiting.id]
    url = _bulk(week.event)
    pages = {
        "list": organiser_client.get(f"/admin/events/{week.event.id}/attendees"),
        "list-error": organiser_client.post(url, data={"action": "check_in"}),
        "confirm-check-in": organiser_client.post(url, data={"action": "check_in", "person": ids}),
        "confirm-cancel": organiser_client.post(url, data={"action": "cancel", "person": ids}),
        "confirm-message-error": organiser_client.post(
            url, data={"action": "message", "person": ids, "confirmed": "yes"}
        ),
        "confirm-nobody": organiser_client.post(
            url, data={"action": "promote", "person": [week.confirmed.id]}
        ),
        "register": organiser_client.get(f"/admin/events/{week.event.id}/register"),
        "badges": organiser_client.get(f"/admin/events/{week.event.id}/badges"),
    }
    assert_valid_pages(pages)
