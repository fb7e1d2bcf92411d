"""A ticket's emails are written in the language it was booked in, whoever sends them."""

from __future__ import annotations

from flask_babel import force_locale

from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.mail.outbox import queue_email_to_compose
from nclw.registrations import messages
from nclw.registrations.event_changes import cancel_event
from nclw.registrations.send_time import compose_queued
from nclw.timezones import utcnow
from tests.factories import make_registration, make_user
from tests.mail.conftest import SITE
from tests.mail.gallery import in_person_event
from tests.mail.helpers import outbox_rows

_hall = in_person_event


def test_a_welsh_ticket_is_confirmed_in_welsh_with_welsh_links(welsh_app):
    person = make_registration(_hall(), first_name="Sam", language="cy")
    email = messages.ticket_confirmed(person)

    assert email.subject == f"Eich tocyn: Cooking on a budget ({person.reference})"
    assert "Helo Sam," in email.text_body
    assert "Mae eich tocyn am ddim wedi'i gadarnhau." in email.text_body
    assert "Dydd " in email.text_body and "(amser y DU)" in email.text_body
    assert f"{SITE}/cy/tickets/" in email.text_body
    assert f"{SITE}/cy/events/" in email.html_body
    assert '<html lang="cy">' in email.html_body
    # The door's check-in link is for the staff at the door, in no particular language.
    assert email.qr_text.startswith(f"{SITE}/admin/events/")
    invite = email.ical_body.replace("\r\n ", "")
    assert f"Eich tocyn: {person.reference}" in invite
    assert "SUMMARY:Cooking on a budget" in invite


def test_an_english_ticket_keeps_the_links_it_always_had(welsh_app):
    person = make_registration(_hall(), first_name="Sam")
    with force_locale("cy"):  # an organiser on a Welsh page resends it
        email = messages.ticket_resent(person)
    assert email.subject.startswith("Your ticket again: ")
    assert f"{SITE}/tickets/" in email.text_body and "/cy/" not in email.text_body

    # A link sent before there were languages opens the ticket, and so does a Welsh one.
    client = welsh_app.test_client()
    token = person.link_token
    assert client.get(f"/tickets/{token}").status_code == 200
    assert client.get(f"/cy/tickets/{token}").status_code == 200


def test_cancelling_an_event_tells_each_person_in_their_own_language(welsh_app):
    event = _hall()
    make_registration(event, first_name="Sam", email="sam@example.com")
    make_registration(event, first_name="Ffion", email="ffion@example.com", language="cy")
    organiser = make_user()

    # The organiser works on a Welsh page: that says nothing about the people's emails.
    with force_locale("cy"):
        assert cancel_event(event, "The hall flooded.", actor=organiser, now=utcnow()) == 2
    db.session.commit()

    sent = {row.to_address: row for row in outbox_rows()}
    assert sent["sam@example.com"].subject.startswith("Event cancelled: Cooking on a budget")
    assert "We are sorry." in sent["sam@example.com"].text_body
    assert f"{SITE}/cy" not in sent["sam@example.com"].text_body
    assert sent["ffion@example.com"].subject.startswith(
        "Digwyddiad wedi'i ganslo: Cooking on a budget"
    )
    assert "Mae'n ddrwg gennym." in sent["ffion@example.com"].text_body
    assert "Pam: The hall flooded." in sent["ffion@example.com"].text_body


def test_emails_written_when_sent_use_the_tickets_language(welsh_app):
    event = _hall()
    people = {
        "en": make_registration(event, first_name="Sam"),
        "cy": make_registration(event, first_name="Ffion", language="cy"),
    }
    for person in people.values():
        queue_email_to_compose(
            "ticket_confirmed", to_address=person.email, registration_id=person.id
        )
    db.session.commit()

    with force_locale("cy"):  # whatever page the sender happens to run after
        rows = list(db.session.query(OutboxMessage).order_by(OutboxMessage.id))
        for row in rows:
            compose_queued(row)
    english, welsh = rows
    assert english.subject.startswith("Your ticket: ")
    assert f"{SITE}/tickets/" in english.text_body
    assert welsh.subject.startswith("Eich tocyn: ")
    assert f"{SITE}/cy/tickets/" in welsh.text_body
