"""A person takes back what they agreed to at sign-up, from their ticket page."""

from __future__ import annotations

import pytest

from nclw.errors import NotAllowed
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.personal_data import Consent, withdraw_consent
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration
from tests.partners.helpers import make_partner


def _ticket(registration) -> str:
    return f"/tickets/{registration.link_token}"


def test_withdrawing_is_once_and_only_what_was_given(app):
    registration = make_registration(make_event(), share_with_host=True)
    withdraw_consent(registration, Consent.SHARE_WITH_HOST, now=utcnow())
    assert registration.share_with_host is False
    with pytest.raises(NotAllowed, match="nothing to take back"):
        withdraw_consent(registration, Consent.SHARE_WITH_HOST, now=utcnow())
    with pytest.raises(NotAllowed, match="nothing to take back"):
        withdraw_consent(registration, Consent.FUTURE_EVENTS, now=utcnow())


def test_the_host_stops_seeing_a_person_who_stops_sharing(app, client):
    partner = make_partner()
    event = make_event(host=partner.organisation)
    registration = make_registration(
        event, first_name="Sky", email="sky@example.com", share_with_host=True
    )
    host_client = app.test_client()
    login(host_client, partner)
    session_page = f"/partner/sessions/{event.id}"
    assert "sky@example.com" in host_client.get(session_page).text

    ticket = client.get(_ticket(registration))
    assert f"Stop sharing my details with {event.host.name}" in ticket.text
    assert "Stop emails about future events" not in ticket.text
    response = client.post(f"{_ticket(registration)}/consent/share-with-host/withdraw")
    assert response.status_code == 302
    assert response.location.endswith("#your-details")
    after = client.get(_ticket(registration)).text
    assert f"{event.host.name} can no longer see your details." in after
    assert "Stop sharing" not in after

    assert "sky@example.com" not in host_client.get(session_page).text
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).share_with_host is False
    # Asked again, it says there was nothing to take back, and nothing breaks.
    again = client.post(f"{_ticket(registration)}/consent/share-with-host/withdraw")
    assert again.status_code == 302
    assert "nothing to take back" in client.get(_ticket(registration)).text


def test_stopping_emails_about_future_events(app, client):
    registration = make_registration(make_event(), consent_future_events=True)
    assert "Stop emails about future events" in client.get(_ticket(registration)).text
    client.post(f"{_ticket(registration)}/consent/future-events/withdraw")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).consent_future_events is False
    assert "We will not email you about other events." in client.get(_ticket(registration)).text


def test_no_get_withdraws_and_an_unknown_consent_or_ticket_is_404(app, client):
    registration = make_registration(make_event(), share_with_host=True)
    url = f"{_ticket(registration)}/consent/share-with-host/withdraw"
    assert client.get(url).status_code == 405
    assert client.post(f"{_ticket(registration)}/consent/photos/withdraw").status_code == 404
    assert client.post("/tickets/not-a-ticket/consent/share-with-host/withdraw").status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).share_with_host is True
