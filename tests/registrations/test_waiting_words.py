"""A place on the waiting list is never worded or coloured like a ticket."""

from __future__ import annotations

import re
from datetime import timedelta

from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration
from tests.support.tickets import emailed_ticket_token

GREEN_PANEL = '<div class="panel" role="status">'
WAITING_PANEL = '<div class="panel panel-waiting"'


def _sign_up(client, event, email="jordan@example.com"):
    data = {"first_name": "Jordan", "email": email}
    return client.post(f"/events/{event.slug}/register", data=data)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_joining_a_full_events_waiting_list_says_so_in_a_panel_that_is_not_green(client):
    event = make_event(capacity=1)
    make_registration(event)
    page = _sign_up(client, event)
    assert page.status_code == 200
    assert WAITING_PANEL in page.text
    assert GREEN_PANEL not in page.text
    # The one thing to do is the same for everyone; the panel says where they stand.
    assert "<h1>Check your email</h1>" in page.text
    assert "<strong>You are on the waiting list.</strong>" in page.text
    assert "waiting list reference" in page.text
    assert "ticket reference" not in page.text.lower()


def test_the_waiting_page_is_the_same_for_an_address_that_already_held_a_ticket(client):
    event = make_event(capacity=1)
    holder = make_registration(event, email="sam@example.com")
    new_person = _sign_up(client, event, email="kai@example.com")
    already_held = _sign_up(client, event, email=holder.email)
    # Only the address typed differs: the page tells nobody what an address held.
    assert _without_tokens(already_held.text).replace(holder.email, "kai@example.com") == (
        _without_tokens(new_person.text)
    )
    assert "If you already had a ticket for this event, you keep it." in new_person.text


def test_a_ticket_with_places_left_still_gets_the_green_check_your_email_panel(client):
    page = _sign_up(client, make_event(capacity=5))
    assert GREEN_PANEL in page.text
    assert "<h1>Check your email</h1>" in page.text
    assert "panel-waiting" not in page.text


def test_a_waiting_ticket_page_says_waiting_list_not_ticket(client):
    event = make_event(capacity=1)
    make_registration(event)
    _sign_up(client, event)
    page = client.get(f"/tickets/{emailed_ticket_token('jordan@example.com')}").text
    assert "<title>You are on the waiting list: " in page
    assert WAITING_PANEL in page
    assert "Your waiting list reference is" in page
    assert "<dt>Waiting list reference</dt>" in page
    assert "<h1>Your ticket</h1>" not in page
    assert "Ticket reference" not in page
    assert "Add to your calendar" not in page
    assert "Leave the waiting list</a>" in page
    assert "Cancel my ticket" not in page
    assert "This also cancels your place on the waiting list." in page


def test_a_confirmed_ticket_page_still_says_ticket(client):
    person = make_registration(make_event())
    page = client.get(f"/tickets/{person.link_token}").text
    assert "<h1>Your ticket</h1>" in page
    assert "<dt>Ticket reference</dt>" in page
    assert "panel-waiting" not in page


def test_an_offered_place_is_still_worded_as_the_waiting_list(client):
    event = make_event(capacity=1)
    person = make_registration(
        event, status=RegistrationStatus.OFFERED, offer_expires_at=utcnow() + timedelta(hours=2)
    )
    page = client.get(f"/tickets/{person.link_token}").text
    assert "<dt>Waiting list reference</dt>" in page
