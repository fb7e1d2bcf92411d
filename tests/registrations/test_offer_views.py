"""The claim page, the ticket page and the back office for offers of a place, and the command."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import services
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.backoffice.helpers import event_form_data
from tests.conftest import login, make_test_app
from tests.factories import make_event, make_registration, make_user


def _offered(**overrides):
    """An event whose one place has just been offered to `first`; `second` waits behind."""
    event = make_event(capacity=1, offers_expire=True, **overrides)
    holder = make_registration(event)
    first = make_registration(event, status=RegistrationStatus.WAITING, first_name="Ava")
    second = make_registration(event, status=RegistrationStatus.WAITING, first_name="Ben")
    services.cancel_registration(holder, now=utcnow())
    db.session.commit()
    assert first.status == RegistrationStatus.OFFERED
    return event, first, second


def test_the_claim_page_shows_one_button_and_changes_nothing(client):
    _event, first, _second = _offered()
    page = client.get(f"/tickets/{first.link_token}/offer")
    assert page.status_code == 200
    assert "Claim your place" in page.text
    assert page.text.count(">Claim my place</button>") == 1
    assert "No thanks" in page.text
    db.session.refresh(first)
    assert first.status == RegistrationStatus.OFFERED


def test_the_ticket_page_says_the_offer_and_its_deadline(client):
    _event, first, second = _offered()
    page = client.get(f"/tickets/{first.link_token}")
    assert "Offered a place, to claim by" in page.text
    assert "A place is waiting for you" in page.text
    assert f"/tickets/{first.link_token}/offer" in page.text
    waiting = client.get(f"/tickets/{second.link_token}")
    assert "On the waiting list (number 1)" in waiting.text


def test_claiming_from_the_page_confirms_the_ticket(client):
    _event, first, _second = _offered()
    done = client.post(f"/tickets/{first.link_token}/offer", follow_redirects=True)
    assert "The place is yours" in done.text
    db.session.refresh(first)
    assert first.status == RegistrationStatus.CONFIRMED
    assert "Offered a place" not in done.text


def test_no_thanks_from_the_page_passes_the_place_on(client):
    _event, first, second = _offered()
    done = client.post(f"/tickets/{first.link_token}/offer/decline", follow_redirects=True)
    assert "The place has gone to the next person waiting" in done.text
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == RegistrationStatus.CANCELLED
    assert second.status == RegistrationStatus.OFFERED


def test_after_the_deadline_the_page_says_the_offer_ended_and_a_claim_is_refused(client):
    _event, first, _second = _offered()
    db.session.execute(
        sa.update(type(first))
        .where(type(first).id == first.id)
        .values(offer_expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    page = client.get(f"/tickets/{first.link_token}/offer")
    assert "This offer has ended" in page.text
    assert "A place is waiting for you" not in client.get(f"/tickets/{first.link_token}").text
    assert "Claim my place" not in page.text
    refused = client.post(f"/tickets/{first.link_token}/offer", follow_redirects=True)
    assert "This offer has ended" in refused.text
    db.session.refresh(first)
    assert first.status == RegistrationStatus.OFFERED  # the command passes it on


def test_an_unknown_link_is_a_404(client):
    assert client.get("/tickets/not-a-real-token-at-all-xyz/offer").status_code == 404
    assert client.post("/tickets/not-a-real-token-at-all-xyz/offer").status_code == 404


def test_a_claim_without_its_csrf_token_is_refused(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        _event, first, _second = _offered()
        response = app.test_client().post(f"/tickets/{first.link_token}/offer")
        assert response.status_code == 400
        db.session.refresh(first)
        assert first.status == RegistrationStatus.OFFERED
        db.session.remove()
        db.engine.dispose()


def test_the_command_passes_on_offers_that_ran_out(app, runner):
    _event, first, second = _offered()
    later = (first.offer_expires_at + timedelta(minutes=1)).isoformat()
    result = runner.invoke(args=["nclw", "expire-offers", "--now", later])
    assert result.exit_code == 0, result.output
    assert "Passed on 1 offers" in result.output
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.offer_expired_at is not None
    assert second.status == RegistrationStatus.OFFERED
    bad = runner.invoke(args=["nclw", "expire-offers", "--now", "tomorrow"])
    assert bad.exit_code != 0 and "Give a time like" in bad.output


# --- the back office ----------------------------------------------------------------------


def test_an_organiser_turns_offers_on_and_sees_offered_places_apart(client):
    event = make_event(
        capacity=1, format=EventFormat.IN_PERSON, venue_name="Town Hall", address="1 High St"
    )
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING, first_name="Cal")
    login(client, make_user(email="organiser@example.org"))
    form = client.get(f"/admin/events/{event.id}/edit")
    assert 'name="offers_expire"' in form.text
    data = event_form_data(event, capacity="2", offers_expire="y")
    assert client.post(f"/admin/events/{event.id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    db.session.refresh(waiting)
    assert event.offers_expire
    assert waiting.status == RegistrationStatus.OFFERED
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert "place_offered" in kinds and "promoted" not in kinds
    page = client.get(f"/admin/events/{event.id}")
    assert "2 of 2 places taken (1 held for an offer not yet claimed)" in page.text
    listing = client.get(f"/admin/events/{event.id}/attendees?status=offered")
    assert "Cal" in listing.text and "Offered a place, to claim by" in listing.text
    dashboard = client.get("/admin/")
    assert "1 held for an offer not yet claimed" in dashboard.text


def test_offers_are_off_unless_an_organiser_turns_them_on(client):
    event = make_event(capacity=1)
    assert not event.offers_expire
    make_registration(event)
    login(client, make_user(email="organiser@example.org"))
    data = event_form_data(event)
    assert client.post(f"/admin/events/{event.id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    assert not event.offers_expire


def test_emails_sent_while_an_offer_is_open_say_so(app):
    from nclw.registrations import messages

    _event, first, _second = _offered()
    resent = messages.ticket_resent(first).text_body
    assert "Status: offered a place, to claim by" in resent
    changed = messages.event_changed(first).text_body
    assert "A place is still offered to you" in changed
    assert "still on the waiting list" not in changed
