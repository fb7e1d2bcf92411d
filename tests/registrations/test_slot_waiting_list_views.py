"""The pages of waiting lists for each time: the sign-up form, the ticket, the back office."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations import slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_models import SlotWait
from tests.conftest import login
from tests.factories import make_user, ticket_link
from tests.registrations.test_slot_waiting_lists import _sign_up, _slotted
from tests.support.html_validation import assert_valid_pages


def _post(client, event, choice, email="bo@example.com"):
    return client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Bo", "email": email, "slot_id": choice},
    )


def test_the_form_offers_a_full_time_to_wait_for_and_the_ticket_says_which(client):
    event, (a, b) = _slotted(count=2)
    _sign_up(event, a, "a@example.com")
    page = client.get(f"/events/{event.slug}/register")
    assert page.status_code == 200
    assert f'value="wait-{a.id}"' in page.text and f'value="{b.id}"' in page.text
    assert f"{a.times}: full, join the waiting list for this time" in page.text
    answer = _post(client, event, f"wait-{a.id}")
    assert answer.status_code == 200 and "Check your email" in answer.text
    # Waiting for a full time is a place on a waiting list, not a ticket: not the green panel.
    assert "panel-waiting" in answer.text and "You are on the waiting list." in answer.text
    mine = db.session.scalar(sa.select(Registration).where(Registration.email == "bo@example.com"))
    assert mine.status == RegistrationStatus.WAITING
    assert db.session.get(SlotWait, mine.id).slot_id == a.id
    ticket = client.get(f"/tickets/{ticket_link(mine)}")
    assert "The time you wait for" in ticket.text and a.when in ticket.text
    # Organisers see the time each person waits for.
    login(client, make_user())
    listing = client.get(f"/admin/events/{event.id}/attendees")
    assert "Waiting for" in listing.text and a.times in listing.text
    record = client.get(f"/admin/registrations/{mine.id}")
    assert "Waiting for the time" in record.text


def test_waiting_is_refused_plainly_where_the_event_has_one_list(client):
    event, (a, _b) = _slotted(count=2, per_slot=False)
    _sign_up(event, a, "a@example.com")
    page = client.get(f"/events/{event.slug}/register")
    assert f'value="wait-{a.id}"' not in page.text and f"Full: {a.times}" in page.text
    refused = _post(client, event, f"wait-{a.id}")
    assert refused.status_code == 400 and "Choose one of the free times" in refused.text
    nonsense = _post(client, event, "wait-banana")
    assert nonsense.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_organiser_chooses_a_list_for_each_time_while_nobody_waits(client):
    login(client, make_user())
    event, (a, _b) = _slotted(count=2, per_slot=False)
    page = client.get(f"/admin/events/{event.id}/slots")
    assert "A waiting list for each time" in page.text and 'value="event" checked' in page.text
    url = f"/admin/events/{event.id}/slots/waiting-lists"
    assert client.post(url, data={"waiting_lists": "slot"}).status_code == 302
    db.session.refresh(event)
    assert event.waiting_list_per_slot
    assert client.post(url, data={"waiting_lists": "nonsense"}).status_code == 400
    _sign_up(event, a, "a@example.com")
    _sign_up(event, a, "wait@example.com", wait=True)
    refused = client.post(url, data={"waiting_lists": "event"})
    assert refused.status_code == 400 and "cannot change now" in refused.text
    db.session.refresh(event)
    assert event.waiting_list_per_slot and slots.has_slots(event.id)


@pytest.mark.slow  # the Nu HTML checker is a Java program started per call
def test_waiting_for_a_time_pages_are_valid_and_csp_clean(client):
    event, (a, _b) = _slotted(count=2)
    _sign_up(event, a, "a@example.com")
    waiting = _sign_up(event, a, "wait@example.com", wait=True)
    register = f"/events/{event.slug}/register"
    pages = {
        "sign-up": client.get(register),
        "sign-up-errors": _post(client, event, ""),
        "ticket": client.get(f"/tickets/{ticket_link(waiting)}"),
    }
    login(client, make_user())
    pages["slots"] = client.get(f"/admin/events/{event.id}/slots")
    pages["slots-errors"] = client.post(
        f"/admin/events/{event.id}/slots/waiting-lists", data={"waiting_lists": "event"}
    )
    pages["attendees"] = client.get(f"/admin/events/{event.id}/attendees")
    pages["attendee"] = client.get(f"/admin/registrations/{waiting.id}")
    assert pages["slots-errors"].status_code == 400
    assert_valid_pages(pages)
