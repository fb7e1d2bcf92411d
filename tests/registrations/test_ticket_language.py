"""The language a ticket remembers: set by the sign-up's page, changed on the ticket page."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.audit.actions import AuditAction
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.ticket_language import choose_language
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration


def _signed_up(client, address: str, event) -> Registration:
    response = client.post(address, data={"first_name": "Jordan", "email": "jo@example.com"})
    assert response.status_code == 200, response.text
    return db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id)
    ).one()


def _language_changes() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == AuditAction.REGISTRATION_LANGUAGE_CHANGED.value
            )
        )
    )


def test_a_sign_up_made_in_welsh_remembers_welsh(client):
    event = make_event()
    registration = _signed_up(client, f"/cy/events/{event.slug}/register", event)
    assert registration.language == "cy"


def test_a_sign_up_made_without_a_language_in_the_address_remembers_english(client):
    event = make_event()
    registration = _signed_up(client, f"/events/{event.slug}/register", event)
    assert registration.language == "en"


def test_the_ticket_page_offers_each_language_named_in_itself(client):
    registration = make_registration(make_event())
    html = client.get(f"/tickets/{registration.link_token}").text
    assert "Language for emails about this ticket" in html
    assert '<label for="language-cy" lang="cy">Cymraeg</label>' in html
    assert '<label for="language-ar" lang="ar">العربية</label>' in html
    assert '<label for="language-en" lang="en-GB">English</label>' in html
    # The language the ticket has now is the one chosen.
    assert 'value="en" checked' in html


def test_choosing_welsh_saves_it_logs_it_and_shows_the_ticket_in_welsh(client):
    registration = make_registration(make_event())
    token = registration.link_token
    response = client.post(f"/tickets/{token}/language", data={"language": "cy"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cy/tickets/{token}"
    db.session.refresh(registration)
    assert registration.language == "cy"
    [entry] = _language_changes()
    assert entry.target_id == registration.id
    assert entry.actor_id is None
    page = client.get(f"/cy/tickets/{token}").text
    assert 'value="cy" checked' in page


def test_choosing_english_from_a_welsh_page_leads_to_the_ticket_in_english(client):
    registration = make_registration(make_event(), language="cy")
    token = registration.link_token
    response = client.post(f"/cy/tickets/{token}/language", data={"language": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/tickets/{token}"
    db.session.refresh(registration)
    assert registration.language == "en"
    # Even where the browser asks for Welsh.
    page = client.get(response.headers["Location"], headers={"Accept-Language": "cy"}).text
    assert "Saved. We will write to you in this language about this ticket." in page


def test_choosing_arabic_leads_to_the_arabic_ticket_page(client):
    registration = make_registration(make_event())
    token = registration.link_token
    response = client.post(f"/tickets/{token}/language", data={"language": "ar"})
    assert response.headers["Location"] == f"/ar/tickets/{token}"
    db.session.refresh(registration)
    assert registration.language == "ar"


def test_a_language_we_do_not_have_is_refused_with_a_clear_message(client):
    registration = make_registration(make_event())
    response = client.post(f"/tickets/{registration.link_token}/language", data={"language": "xx"})
    assert response.status_code == 400
    assert "Choose English, Cymraeg or العربية." in response.text
    assert 'id="language-error"' in response.text
    db.session.refresh(registration)
    assert registration.language == "en"
    assert _language_changes() == []


def test_no_language_at_all_is_refused_too(client):
    registration = make_registration(make_event())
    response = client.post(f"/tickets/{registration.link_token}/language", data={})
    assert response.status_code == 400
    assert "Choose English, Cymraeg or العربية." in response.text


def test_nobody_without_the_ticket_link_can_change_its_language(client):
    registration = make_registration(make_event())
    other = make_registration(make_event())
    response = client.post(
        "/tickets/not-a-real-link-at-all-000000/language", data={"language": "cy"}
    )
    assert response.status_code == 404
    # Another ticket's link changes that ticket only.
    client.post(f"/tickets/{other.link_token}/language", data={"language": "cy"})
    db.session.refresh(registration)
    db.session.refresh(other)
    assert (registration.language, other.language) == ("en", "cy")


def test_a_ticket_whose_details_are_deleted_has_no_language_to_change(client):
    registration = make_registration(make_event(), anonymised_at=utcnow())
    response = client.post(f"/tickets/{registration.link_token}/language", data={"language": "cy"})
    assert response.status_code == 404


def test_choosing_the_language_already_chosen_changes_nothing(app):
    registration = make_registration(make_event(), language="cy")
    choose_language(registration, "cy", now=utcnow())
    assert _language_changes() == []


def test_the_service_refuses_unknown_codes(app):
    registration = make_registration(make_event())
    try:
        choose_language(registration, "fr", now=utcnow())
    except InvalidInput as refusal:
        assert "Cymraeg" in refusal.message
    else:
        raise AssertionError("an unknown language was accepted")
    assert registration.language == "en"
