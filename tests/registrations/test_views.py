"""The sign-up, confirmation and ticket pages: wiring, rules and what each page shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.events.models import Audience, EventFormat, EventStatus
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import Registration, RegistrationStatus, TicketLink
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.support.tickets import emailed_ticket_token


def _registrations(event) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        )
    )


def _outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def _sign_up(client, event, **fields):
    data = {"first_name": "Jordan", "email": "jordan@example.com", **fields}
    return client.post(f"/events/{event.slug}/register", data=data)


# --- signing up --------------------------------------------------------------------------


def test_after_signing_up_the_page_says_what_comes_next_and_what_to_do_if_it_does_not(client):
    # The page after the form: where the ticket is (the email), what the email leads to,
    # what to do while waiting for it, and a way back with the right address.
    event = make_event()
    page = _sign_up(client, event)
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "<h1>Check your email</h1>" in text
    assert "to <strong>jordan@example.com</strong>" in text
    assert "Open it to see your ticket" in text and "ask a question or cancel" in text
    assert "It can take a few minutes to arrive. Check your junk or spam folder too." in text
    assert "<h2>Already signed up?</h2>" in text and "<h2>Wrong address?</h2>" in text
    again = f'<a href="/events/{event.slug}/register">Sign up again with the right address</a>'
    assert again in text
    assert "waiting list reference" not in text


def test_form_asks_first_name_and_email_with_visible_labels(client):
    event = make_event()
    response = client.get(f"/events/{event.slug}/register")
    assert response.status_code == 200
    assert '<label for="first_name">First name</label>' in response.text
    assert '<label for="email">Email address</label>' in response.text
    # Everyone's event: no care or professional questions.
    assert "declared_care_experienced" not in response.text
    assert "organisation_name" not in response.text
    # Opt-in consent is never ticked for the person.
    assert re.search(r'<input id="consent_future_events"[^>]*>', response.text)
    assert "checked" not in re.search(r'<input id="consent_future_events"[^>]*>', response.text)[0]


def test_sign_up_confirms_and_records_the_ticket_email_in_the_same_commit(client):
    event = make_event(capacity=2)
    response = _sign_up(client, event, email="Jordan@Example.com")
    [registration] = _registrations(event)
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email_normalised == "jordan@example.com"
    assert re.fullmatch(r"NCLW-[2-9A-Z]{6}", registration.reference)
    # No link to the ticket exists until its email is written.
    assert db.session.scalars(sa.select(TicketLink)).all() == []
    assert not registration.consent_future_events
    [message] = _outbox()
    assert message.kind == "ticket_confirmed"
    assert message.to_address == "Jordan@Example.com"
    assert message.registration_id == registration.id


def test_the_ticket_and_its_joining_link_reach_only_the_owner_of_the_address(client):
    event = make_event()
    answer = _sign_up(client, event)
    [registration] = _registrations(event)
    # Whoever filled the form learns neither the ticket's link nor the joining link.
    assert "/tickets/" not in answer.text
    assert event.online_url not in answer.text
    assert registration.reference not in answer.text
    assert "jordan@example.com" in answer.text  # so a mistyped address can be spotted

    token = emailed_ticket_token("jordan@example.com")
    page = client.get(f"/tickets/{token}")
    assert page.status_code == 200
    assert "Your ticket" in page.text
    assert registration.reference in page.text
    assert event.online_url in page.text
    assert f"/tickets/{token}/invite.ics" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # Old bookmarks of the page people used to land on lead to the ticket.
    old = client.get(f"/tickets/{token}/confirmation")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/tickets/{token}")


def test_full_event_offers_the_waiting_list_and_says_the_position(client):
    event = make_event(capacity=1)
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITING)
    form = client.get(f"/events/{event.slug}/register")
    assert "Join the waiting list" in form.text
    assert "Check your email" in _sign_up(client, event).text
    page = client.get(f"/tickets/{emailed_ticket_token('jordan@example.com')}")
    assert "On the waiting list (number 2)" in page.text
    assert _outbox()[0].kind == "waiting_list"
    assert event.confirmed_count == 1


def test_care_experienced_event_needs_the_self_declaration(client):
    event = make_event(audience=Audience.CARE_EXPERIENCED)
    form = client.get(f"/events/{event.slug}/register")
    assert 'name="declared_care_experienced"' in form.text
    refused = _sign_up(client, event)
    assert refused.status_code == 400
    # The summary links to the checkbox, and the message is also beside it.
    assert refused.text.count("Confirm that you are in care or have left care") == 2
    assert 'href="#declared_care_experienced"' in refused.text
    assert 'value="Jordan"' in refused.text
    assert _registrations(event) == []
    accepted = _sign_up(client, event, declared_care_experienced="y")
    assert accepted.status_code == 200 and "Check your email" in accepted.text
    assert _registrations(event)[0].declared_care_experienced is True


def test_professionals_event_asks_organisation_and_role(client):
    event = make_event(audience=Audience.PROFESSIONALS)
    refused = _sign_up(client, event, organisation_name="Luton Council")
    assert refused.status_code == 400
    assert "Enter your role" in refused.text
    assert 'value="Luton Council"' in refused.text
    accepted = _sign_up(
        client, event, organisation_name="Luton Council", job_role="Personal adviser"
    )
    assert accepted.status_code == 200 and "Check your email" in accepted.text
    [registration] = _registrations(event)
    assert (registration.organisation_name, registration.job_role) == (
        "Luton Council",
        "Personal adviser",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_name": ""}, "Enter your first name"),
        ({"first_name": "J" * 81}, "First name must be 80 characters or fewer"),
        ({"email": ""}, "Enter your email address"),
        ({"email": "jordan-at-example"}, "Enter an email address in the correct format"),
        ({"email": "j" * 250 + "@example.com"}, "Email address must be 254 characters or fewer"),
        ({"access_needs": "x" * 501}, "Access needs must be 500 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, fields, message):
    event = make_event()
    data = {"first_name": "Jordan", "email": "jordan@example.com", "access_needs": "Captions"}
    data.update(fields)
    response = client.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert response.text.count(message) == 2  # in the summary and beside the field
    assert "<title>Error: " in response.text
    assert 'aria-invalid="true"' in response.text
    if fields.get("first_name", "Jordan") == "Jordan":
        assert 'value="Jordan"' in response.text
    assert "Captions" in response.text or "access_needs" in fields
    assert _registrations(event) == []


def test_missing_csrf_token_gets_400_that_keeps_what_was_typed(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        client = app.test_client()
        response = client.post(
            f"/events/{event.slug}/register",
            data={"first_name": "Jordan", "email": "jordan@example.com"},
        )
        assert response.status_code == 400
        assert "Your page timed out" in response.text
        assert 'value="Jordan"' in response.text
        assert 'value="jordan@example.com"' in response.text
        assert _registrations(event) == []
        # The page carries a fresh token, so submitting again works.
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)[1]
        again = client.post(
            f"/events/{event.slug}/register",
            data={"csrf_token": token, "first_name": "Jordan", "email": "jordan@example.com"},
        )
        assert again.status_code == 200 and "Check your email" in again.text
        assert len(_registrations(event)) == 1
        db.session.remove()
        db.engine.dispose()


def test_cancel_without_csrf_token_is_refused_with_a_friendly_page(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        registration = make_registration(event)
        response = app.test_client().post(f"/tickets/{registration.link_token}/cancel")
        assert response.status_code == 400
        assert "Please try again" in response.text
        db.session.refresh(registration)
        assert registration.status == RegistrationStatus.CONFIRMED
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, "Sign-up has closed."),
        (
            {"starts_at": utcnow() - timedelta(minutes=5)},
            "Sign-up has closed because the event has started.",
        ),
        ({"status": EventStatus.CANCELLED}, "This event has been cancelled."),
        ({"registration_opens_at": utcnow() + timedelta(days=1)}, "Sign-up has not opened yet."),
    ],
)
def test_sign_up_not_open_shows_the_plain_reason_and_takes_nobody(client, overrides, reason):
    event = make_event(**overrides)
    page = client.get(f"/events/{event.slug}")
    assert reason in page.text
    assert f"/events/{event.slug}/register" not in page.text
    form = client.get(f"/events/{event.slug}/register")
    assert form.status_code == 200
    assert reason in form.text
    posted = _sign_up(client, event)
    assert posted.status_code == 200
    assert reason in posted.text
    assert _registrations(event) == []


def test_closing_time_just_ahead_still_takes_sign_ups(client):
    event = make_event(registration_closes_at=utcnow() + timedelta(minutes=5))
    assert _sign_up(client, event).status_code == 200
    assert len(_registrations(event)) == 1


def test_draft_event_is_not_public(client):
    event = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert client.get(f"/events/{event.slug}/register").status_code == 404
    assert _sign_up(client, event).status_code == 404
    assert client.get(f"/events/{event.slug}.ics").status_code == 404
    assert _registrations(event) == []


@pytest.mark.parametrize(
    "path",
    [
        "/events/no-such-event",
        "/events/no-such-event/register",
        "/events/no-such-event.ics",
        "/tickets/not-a-real-token",
        "/tickets/not-a-real-token/invite.ics",
        "/tickets/not-a-real-token/cancel",
        # Where sign-ups used to land: an old bookmark with a wrong token finds nothing.
        "/tickets/not-a-real-token/confirmation",
        "/tickets/" + "x" * 500,
        "/weeks/1999",
    ],
)
def test_unknown_slug_or_token_is_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_a_missing_page_says_a_ticket_may_be_deleted_only_for_a_link_we_email(client):
    # A ticket link from an email can lead nowhere because its holder deleted their details;
    # an event's address, or one typed wrongly, has nothing to do with tickets.
    deleted = "the ticket may have been deleted"
    for path in ("/tickets/not-a-real-token", "/tickets/not-a-real-token/offer"):
        assert deleted in client.get(path).text, path
    for path in ("/events/no-such-event", "/no-such-page", "/weeks/1999"):
        page = client.get(path)
        assert page.status_code == 404
        assert deleted not in page.text and "the page may no longer be there" in page.text, path
    welsh = client.get("/cy/events/no-such-event").text
    assert "efallai nad yw'r dudalen yno mwyach" in welsh.replace("&#39;", "'")


def test_unknown_slug_on_post_is_404_not_500(client):
    assert client.post("/events/nope/register", data={"first_name": "A"}).status_code == 404
    assert client.post("/events/nope/lost-ticket", data={"email": "a@b.c"}).status_code == 404
    assert client.post("/tickets/nope/cancel").status_code == 404


# --- signing up twice ----------------------------------------------------------------------


def test_second_sign_up_with_other_case_makes_no_second_ticket_and_reveals_nothing(client):
    event = make_event()
    original = make_registration(event, email="jordan@example.com", first_name="Jordan")
    response = _sign_up(client, event, email="  JORDAN@Example.COM ", first_name="Someone")
    assert response.status_code == 200
    assert "Check your email" in response.text
    for secret in (original.reference, original.link_token, "Jordan", "Confirmed"):
        assert secret not in response.text
    assert len(_registrations(event)) == 1
    assert event.confirmed_count == 1
    # The holder, not the stranger, gets the ticket again: by email, to their own address.
    [message] = _outbox()
    assert (message.kind, message.to_address) == ("ticket_resent", "jordan@example.com")
    assert message.registration_id == original.id


@pytest.mark.parametrize("held", [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING])
def test_a_stranger_cannot_tell_an_address_already_signed_up_from_a_new_one(client, held):
    # A care-experienced-only event: knowing an address holds a ticket would say that its
    # owner grew up in care.
    event = make_event(capacity=1, audience=Audience.CARE_EXPERIENCED)
    if held == RegistrationStatus.WAITING:
        make_registration(event, email="someone@example.com")
    make_registration(event, email="held@example.com", status=held)
    fields = {"declared_care_experienced": "y", "first_name": "Alex"}

    new = _sign_up(client, event, email="new@example.com", **fields)
    known = _sign_up(client, event, email="held@example.com", **fields)

    assert new.status_code == known.status_code == 200
    assert new.headers.get("Location") == known.headers.get("Location") is None
    assert new.text.replace("new@example.com", "X") == known.text.replace("held@example.com", "X")


def test_signing_up_again_and_again_emails_the_holder_at_most_once_an_hour(client):
    event = make_event()
    make_registration(event, email="jordan@example.com")
    for _ in range(5):
        assert "Check your email" in _sign_up(client, event).text
    client.post(f"/events/{event.slug}/lost-ticket", data={"email": "jordan@example.com"})
    send_pending()
    # "Lost your ticket?" in the same hour is dropped when sent: the ticket went already.
    assert [m.kind for m in _outbox()] == ["ticket_resent"]
    assert len(_registrations(event)) == 1


def test_cancelled_ticket_does_not_block_signing_up_again(client):
    event = make_event()
    make_registration(event, email="jordan@example.com", status=RegistrationStatus.CANCELLED)
    assert _sign_up(client, event).status_code == 200
    assert [r.status for r in _registrations(event)] == ["cancelled", "confirmed"]


# --- the ticket page and cancelling ------------------------------------------------------


def test_ticket_page_shows_the_joining_link_only_while_confirmed(client):
    event = make_event(capacity=1)
    confirmed = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    page = client.get(f"/tickets/{confirmed.link_token}")
    assert page.status_code == 200
    assert event.online_url in page.text
    assert confirmed.reference in page.text
    assert page.headers["Cache-Control"] == "no-store"
    waiting_page = client.get(f"/tickets/{waiting.link_token}")
    assert "On the waiting list (number 1)" in waiting_page.text
    assert event.online_url not in waiting_page.text
    client.post(f"/tickets/{confirmed.link_token}/cancel")
    cancelled_page = client.get(f"/tickets/{confirmed.link_token}")
    assert "Cancelled" in cancelled_page.text
    assert event.online_url not in cancelled_page.text
    assert "Cancel my ticket" not in cancelled_page.text


def test_ticket_calendar_download_only_while_confirmed(client):
    event = make_event(capacity=1)
    confirmed = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    response = client.get(f"/tickets/{confirmed.link_token}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body
    assert event.title in body
    assert client.get(f"/tickets/{waiting.link_token}/invite.ics").status_code == 404


def test_public_calendar_files_never_carry_the_joining_link(client):
    event = make_event()
    for path in (f"/events/{event.slug}.ics", "/week.ics"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        body = response.get_data(as_text=True)
        assert "BEGIN:VCALENDAR" in body
        assert event.title in body
        assert "secret-room" not in body


def test_cancel_asks_first_and_a_get_changes_nothing(client):
    event = make_event()
    registration = make_registration(event)
    page = client.get(f"/tickets/{registration.link_token}/cancel")
    assert page.status_code == 200
    assert "Are you sure you want to cancel?" in page.text
    assert "Yes, cancel my ticket" in page.text
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancel_frees_the_place_for_the_first_person_waiting(client):
    event = make_event(capacity=1)
    holder = make_registration(event)
    first = make_registration(event, status=RegistrationStatus.WAITING)
    second = make_registration(event, status=RegistrationStatus.WAITING)
    response = client.post(f"/tickets/{holder.link_token}/cancel", follow_redirects=True)
    assert response.status_code == 200
    assert "Your ticket is cancelled" in response.text
    for registration in (holder, first, second, event):
        db.session.refresh(registration)
    assert holder.status == RegistrationStatus.CANCELLED
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITING
    assert event.confirmed_count == 1
    kinds = {(m.kind, m.registration_id) for m in _outbox()}
    assert ("cancelled_by_attendee", holder.id) in kinds
    assert ("promoted", first.id) in kinds
    assert not any(m.registration_id == second.id for m in _outbox())
    assert "On the waiting list (number 1)" in client.get(f"/tickets/{second.link_token}").text


def test_cancelling_twice_is_harmless(client):
    event = make_event()
    registration = make_registration(event)
    client.post(f"/tickets/{registration.link_token}/cancel")
    again = client.post(f"/tickets/{registration.link_token}/cancel", follow_redirects=True)
    assert again.status_code == 200
    assert "already cancelled" in again.text
    db.session.refresh(event)
    assert event.confirmed_count == 0


def test_anonymised_ticket_is_gone(client):
    event = make_event()
    registration = make_registration(event, anonymised_at=utcnow())
    assert client.get(f"/tickets/{registration.link_token}").status_code == 404


def test_in_person_ticket_shows_the_venue_not_a_link(client):
    event = make_event(
        format=EventFormat.IN_PERSON, online_url=None, venue_name="Town Hall", address="1 Road"
    )
    registration = make_registration(event)
    page = client.get(f"/tickets/{registration.link_token}")
    assert "Town Hall, 1 Road" in page.text
    assert "Join online" not in page.text


def test_the_neutral_title_option_names_the_titles_the_calendar_shows(app, client):
    from nclw.mail.ical import NEUTRAL_ONLINE_TITLE, NEUTRAL_TITLE

    event = make_event()
    db.session.commit()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert f"\u201c{NEUTRAL_ONLINE_TITLE}\u201d or \u201c{NEUTRAL_TITLE}\u201d" in page
