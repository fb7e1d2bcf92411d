"""'Lost your ticket?' on an event's page: the ticket again, and nothing for a stranger."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from nclw.events.models import EventFormat, EventStatus
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.ticket_links import registration_for_link
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.support.tickets import ticket_token_in

SAME_MESSAGE = "If that address has a ticket for this event, we have emailed it again."


def _ask(client, event, email):
    return client.post(f"/events/{event.slug}/lost-ticket", data={"email": email})


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _sent_to(address: str):
    return [e for e in list_emails(current_app.config["MAIL_FILE_DIRECTORY"]) if address in e.to]


def test_every_event_page_links_to_the_form(app, client):
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event()

    page = client.get(f"/events/{event.slug}")

    # A link, not a form: a form token on the event page would make every visit personal.
    assert f'href="/events/{event.slug}/lost-ticket"' in page.text
    assert "Lost your ticket?" in page.text
    assert 'name="csrf_token"' not in page.text
    assert "Set-Cookie" not in page.headers
    form = client.get(f"/events/{event.slug}/lost-ticket")
    assert form.status_code == 200
    assert f'action="/events/{event.slug}/lost-ticket"' in form.text
    assert 'name="csrf_token"' in form.text
    assert 'type="email"' in form.text and 'autocomplete="email"' in form.text
    assert form.headers["Cache-Control"] == "no-store"


def test_the_holder_gets_the_ticket_again_with_a_working_link(client):
    event = make_event(format=EventFormat.IN_PERSON, venue_name="Hall", address="1 Road")
    person = make_registration(event, email="Jordan@Example.com")

    answer = _ask(client, event, "jordan@example.com ")
    report = send_pending()

    assert answer.status_code == 200 and SAME_MESSAGE in answer.text
    assert report.sent == 1
    [email] = _sent_to("Jordan@Example.com")
    assert "Your ticket again" in email.subject
    assert registration_for_link(ticket_token_in(email.text)).id == person.id
    [row] = _outbox()
    assert (row.status, row.registration_id) == (MessageStatus.SENT, person.id)


@pytest.mark.parametrize("who", ["stranger", "cancelled", "other event"])
def test_a_stranger_learns_nothing_and_nobody_is_emailed(client, who):
    event, other = make_event(), make_event()
    make_registration(event, email="jordan@example.com")
    address = {"stranger": "nobody@example.org", "other event": "kai@example.org"}.get(
        who, "sam@example.org"
    )
    if who == "cancelled":
        make_registration(event, email=address, status=RegistrationStatus.CANCELLED)
    if who == "other event":
        make_registration(other, email=address)

    known = _ask(client, event, "jordan@example.com")
    unknown = _ask(client, event, address)
    # The request does the same work either way: one message queued, to be written later.
    assert [m.to_address for m in _outbox()] == ["jordan@example.com", address]

    report = send_pending()

    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text and SAME_MESSAGE in unknown.text
    assert report.sent == 1
    assert _sent_to(address) == []
    # Nothing is kept of the address that held no ticket.
    assert [m.to_address for m in _outbox()] == ["jordan@example.com"]


def test_asking_again_and_again_sends_one_email_an_hour(client):
    event = make_event()
    make_registration(event, email="jordan@example.com")

    for _ in range(3):
        assert _ask(client, event, "jordan@example.com").status_code == 200
    send_pending()

    assert len(_sent_to("jordan@example.com")) == 1


@pytest.mark.parametrize("email", ["", "not an address", "a" * 250 + "@example.org"])
def test_a_bad_address_gets_a_clear_message_and_a_400(client, email):
    event = make_event()

    answer = _ask(client, event, email)

    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert 'id="email"' in answer.text
    assert _outbox() == []


def test_unknown_or_draft_events_are_not_found(client):
    draft = make_event(status=EventStatus.DRAFT)

    assert _ask(client, draft, "a@example.org").status_code == 404
    assert client.post("/events/no-such/lost-ticket", data={"email": "a@b.org"}).status_code == 404
    assert client.get(f"/events/{draft.slug}/lost-ticket").status_code == 404
    assert client.get("/events/no-such/lost-ticket").status_code == 404


def test_a_cancelled_event_offers_no_form(client):
    event = make_event(status=EventStatus.CANCELLED)

    assert "Lost your ticket?" not in client.get(f"/events/{event.slug}").text


def test_the_form_needs_its_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        answer = app.test_client().post(
            f"/events/{event.slug}/lost-ticket", data={"email": "a@example.org"}
        )
        assert answer.status_code == 400
        assert "timed out" in answer.text
        assert _outbox() == []


def test_the_form_is_rate_limited(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        event = make_event()
        client = app.test_client()
        codes = [_ask(client, event, f"p{n}@example.org").status_code for n in range(7)]
        assert codes[:5] == [200] * 5
        assert codes[-1] == 429
