"""The young person's sign-up and ticket pages, and the professionals' bookings, say every
word through the catalogues: in the pseudo-locale nothing escapes the markers."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

import pytest
import sqlalchemy as sa
from flask import current_app

from nclw.events.models import Audience, EventFormat, Organisation
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.registrations import bookings, slot_changes
from nclw.registrations.certificate import certificate_text
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.question_setup import QuestionDetails, add_question
from nclw.registrations.sign_up_questions import QuestionKind
from nclw.registrations.supporter_models import Supporter
from nclw.timezones import utcnow
from tests.factories import make_event, make_organisation, make_registration
from tests.support.pseudo import extracted, untranslated
from tests.support.tickets import emailed_ticket_token

HOST = "Brightside Trust"
VENUE = ("Civic Hall", "1 High Street, Leeds")
# Typed by organisers: event content, never translated.
QUESTION = ("Which kind of job interests you most?", "So the speakers bring the right people.")
CHOICES = ("Creative", "Outdoors")
# Words on these pages that other parts of the site own, with the file that says them:
# allowed only while that file has not wrapped them yet (then the catalogue finds them there).
ELSEWHERE = {
    "nclw/registrations/ticket_words.py": (
        "Your ticket",
        "Ticket reference",
        "Cancel my ticket",
        "You are on the waiting list",
        "Waiting list reference",
        "Leave the waiting list",
    ),
    "templates/_macros/forms.html": ("There is a problem", "Error:"),
    "nclw/events/services.py": ("Sign-up has closed.",),
    "nclw/events/details.py": (
        "Are you 25 or under?",
        "Step-free access",
        "A quiet room",
        "British Sign Language (BSL) interpreter",
        "Live captions",
        "Easy Read materials",
    ),
    "templates/feedback/_ticket_panel.html": (
        "Feedback survey",
        "After the event, if you came, we will email you a short survey of up to 5 "
        "questions. Your answers are anonymous.",
        "Don't send me a feedback survey",
    ),
}


@cache
def _not_yet_wrapped() -> tuple[str, ...]:
    wrapped = {
        (filename, message.id) for message in extracted() for filename, _line in message.locations
    }
    return tuple(
        words
        for filename, said in ELSEWHERE.items()
        for words in said
        if (filename, words) not in wrapped
    )


def assert_all_translated(html: str, *data: str) -> None:
    assert "⟪" in html
    found = untranslated(html, allowed=[*data, *_not_yet_wrapped()])
    assert found == [], found


def _host():
    return db.session.scalar(sa.select(Organisation).filter_by(name=HOST)) or make_organisation(
        name=HOST
    )


def _event(**overrides):
    values = {"title": "Cooking on a budget", "host": _host()}
    return make_event(**{**values, **overrides})


def _in_person(**overrides):
    return _event(
        format=EventFormat.IN_PERSON,
        venue_name=VENUE[0],
        address=VENUE[1],
        online_url=None,
        **overrides,
    )


def _data(registration, *more: str) -> tuple[str, ...]:
    event = registration.event
    return (event.title, registration.first_name, registration.reference, HOST, *VENUE, *more)


@pytest.fixture
def client(pseudo_app):
    return pseudo_app.test_client()


# --- the sign-up form ---------------------------------------------------------------------


def _everything_asked():
    """An event asking every question the form can: care, age, supporter, Q&A, its own."""
    event = _event(
        audience=Audience.CARE_EXPERIENCED, supporters_allowed=True, qa_enabled=True, max_age=25
    )
    add_question(
        event,
        QuestionDetails(
            label=QUESTION[0],
            kind=QuestionKind.ONE_CHOICE,
            why_we_ask=QUESTION[1],
            choices="\n".join(CHOICES),
            required=False,
        ),
        actor=None,
        now=utcnow(),
    )
    db.session.commit()
    return event


def test_the_sign_up_form_asking_everything_is_all_translated(client):
    event = _everything_asked()
    html = client.get(f"/events/{event.slug}/register").text
    assert_all_translated(html, event.title, HOST, *QUESTION, *CHOICES)


def test_an_empty_sign_up_form_says_what_is_wrong_in_translated_words(client):
    event = _everything_asked()
    response = client.post(f"/events/{event.slug}/register", data={})
    assert response.status_code == 400
    assert "⟪Enter your first name⟫" in response.text
    assert_all_translated(response.text, event.title, HOST, *QUESTION, *CHOICES)


def test_a_bad_email_address_is_explained_in_translated_words(client):
    event = _event()
    response = client.post(
        f"/events/{event.slug}/register", data={"first_name": "Sam", "email": "not an address"}
    )
    assert response.status_code == 400
    assert "⟪Enter an email address in the correct format" in response.text
    assert_all_translated(response.text, event.title, HOST, "Sam", "not an address")


def test_a_refusal_from_the_sign_up_rules_is_translated(client):
    event = _event(max_age=25)
    response = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Sam", "email": "sam@example.com", "age_confirmed": "no"},
    )
    assert response.status_code == 400
    assert_all_translated(response.text, event.title, HOST, "Sam", "sam@example.com")


def test_the_full_event_and_its_time_slots_are_translated(client):
    event = _event(capacity=None)
    slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=2, minutes=20, capacity=1, now=utcnow()
    )
    db.session.commit()
    html = client.get(f"/events/{event.slug}/register").text
    assert_all_translated(html, event.title, HOST)
    full = _event(capacity=1)
    make_registration(full)
    html = client.get(f"/events/{full.slug}/register").text
    assert "⟪Join the waiting list⟫" in html
    assert_all_translated(html, full.title, HOST)


def test_check_your_email_pages_are_translated(client):
    event = _event()
    response = client.post(
        f"/events/{event.slug}/register", data={"first_name": "Sam", "email": "sam@example.com"}
    )
    assert response.status_code == 200
    assert_all_translated(response.text, event.title, "sam@example.com")
    full = _event(capacity=1)
    make_registration(full)
    response = client.post(
        f"/events/{full.slug}/register", data={"first_name": "Sam", "email": "sam@example.com"}
    )
    assert "⟪<strong>You are on the waiting list.</strong>" in response.text
    assert_all_translated(response.text, full.title, "sam@example.com")


def test_sign_up_for_professionals_and_a_closed_sign_up_are_translated(client):
    event = _event(audience=Audience.PROFESSIONALS)
    response = client.post(f"/events/{event.slug}/register", data={})
    assert "⟪Enter the organisation you work for⟫" in response.text
    assert_all_translated(response.text, event.title, HOST)
    closed = _event(registration_closes_at=utcnow() - timedelta(hours=1))
    html = client.get(f"/events/{closed.slug}/register").text
    assert "⟪Sign-up is not open⟫" in html
    assert_all_translated(html, closed.title)


def test_full_times_with_their_own_waiting_lists_are_translated(client):
    event = _event(capacity=None, waiting_list_per_slot=True)
    [first, _second] = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=2, minutes=20, capacity=1, now=utcnow()
    )
    first.confirmed_count = 1
    db.session.commit()
    html = client.get(f"/events/{event.slug}/register").text
    assert "full, join the waiting list for this time⟫" in html
    assert_all_translated(html, event.title, HOST)


def test_lost_ticket_errors_and_the_resent_page_are_translated(client):
    event = _event()
    response = client.post(f"/events/{event.slug}/lost-ticket", data={"email": "nope"})
    assert response.status_code == 400
    assert_all_translated(response.text, event.title, "nope")
    response = client.post(f"/events/{event.slug}/lost-ticket", data={"email": "a@example.com"})
    assert_all_translated(response.text, event.title)


# --- the ticket page in each state ---------------------------------------------------------


def _ticket_page(client, registration, *data: str) -> str:
    response = client.get(f"/tickets/{registration.link_token}")
    assert response.status_code == 200
    assert_all_translated(response.text, *_data(registration, *data))
    return response.text


def test_a_confirmed_in_person_ticket_with_choices_is_translated(client):
    registration = make_registration(_in_person(), share_with_host=True, consent_future_events=True)
    html = _ticket_page(client, registration)
    assert "⟪Language for emails about this ticket⟫" in html


def test_a_discreet_online_ticket_is_translated(client):
    _ticket_page(client, make_registration(_event(), discreet=True))


def test_a_place_on_the_waiting_list_is_translated(client):
    event = _event(capacity=1)
    make_registration(event)
    # Someone waiting first, so the position shows.
    make_registration(event, status=RegistrationStatus.WAITING)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    html = _ticket_page(client, waiting)
    assert "(number" in html


def test_an_offered_place_and_its_offer_page_are_translated(client):
    event = _event()
    offered = make_registration(
        event,
        status=RegistrationStatus.OFFERED,
        offer_expires_at=utcnow() + timedelta(hours=12),
    )
    _ticket_page(client, offered)
    html = client.get(f"/tickets/{offered.link_token}/offer").text
    assert_all_translated(html, *_data(offered))


def test_cancelled_tickets_are_translated(client):
    event = _event()
    mine = make_registration(event, status=RegistrationStatus.CANCELLED, cancelled_at=utcnow())
    _ticket_page(client, mine)
    by_them = make_registration(
        event,
        status=RegistrationStatus.CANCELLED,
        cancelled_at=utcnow(),
        cancellation_reason="The room flooded",
    )
    _ticket_page(client, by_them, "The room flooded", "events@example.org")
    ran_out = make_registration(
        event,
        status=RegistrationStatus.CANCELLED,
        cancelled_at=utcnow(),
        offer_expires_at=utcnow() - timedelta(hours=1),
        offer_expired_at=utcnow(),
    )
    _ticket_page(client, ran_out)
    html = client.get(f"/tickets/{ran_out.link_token}/offer").text
    assert_all_translated(html, *_data(ran_out))


def test_a_ticket_with_a_supporter_and_its_supporter_pages_are_translated(client):
    event = _event(supporters_allowed=True, capacity=5)
    registration = make_registration(event)
    html = _ticket_page(client, registration)
    assert "⟪Bring a supporter⟫" in html
    html = client.get(f"/tickets/{registration.link_token}/supporter/add").text
    assert_all_translated(html, *_data(registration))
    response = client.post(f"/tickets/{registration.link_token}/supporter/add", data={})
    assert response.status_code == 400
    assert_all_translated(response.text, *_data(registration))
    db.session.add(Supporter(registration=registration, first_name="Jo", role="carer"))
    db.session.commit()
    _ticket_page(client, registration, "Jo")
    html = client.get(f"/tickets/{registration.link_token}/supporter/remove").text
    assert_all_translated(html, *_data(registration, "Jo"))


def test_a_slotted_ticket_and_changing_its_time_are_translated(client):
    event = _event(capacity=None)
    [first, _second] = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=2, minutes=20, capacity=1, now=utcnow()
    )
    db.session.commit()
    response = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Sam", "email": "sam@example.com", "slot_id": str(first.id)},
    )
    assert response.status_code == 200
    token = emailed_ticket_token("sam@example.com")
    html = client.get(f"/tickets/{token}").text
    assert "⟪Change my time⟫" in html
    assert_all_translated(html, event.title, "Sam", HOST)
    html = client.get(f"/tickets/{token}/time").text
    assert_all_translated(html, event.title)
    response = client.post(f"/tickets/{token}/time", data={})
    assert response.status_code == 400
    assert_all_translated(response.text, event.title)


# --- asking once more, and what follows ----------------------------------------------------


def test_cancelling_and_its_flash_are_translated(client):
    registration = make_registration(_event())
    token = registration.link_token
    for address in (f"/tickets/{token}/cancel", f"/tickets/{token}/cancel?from=reminder"):
        assert_all_translated(client.get(address).text, *_data(registration))
    response = client.post(f"/tickets/{token}/cancel", follow_redirects=True)
    assert "⟪Your ticket is cancelled." in response.text
    assert_all_translated(response.text, *_data(registration))
    # Asking again says it is already done.
    response = client.get(f"/tickets/{token}/cancel", follow_redirects=True)
    assert "⟪This ticket is already cancelled.⟫" in response.text
    assert_all_translated(response.text, *_data(registration))


def test_claiming_an_offer_and_taking_back_consent_flash_translated_words(client):
    registration = make_registration(
        _event(),
        status=RegistrationStatus.OFFERED,
        offer_expires_at=utcnow() + timedelta(hours=12),
        share_with_host=True,
        consent_future_events=True,
    )
    token = registration.link_token
    response = client.post(f"/tickets/{token}/offer", follow_redirects=True)
    assert "⟪The place is yours." in response.text
    assert_all_translated(response.text, *_data(registration))
    for consent in ("share-with-host", "future-events"):
        response = client.post(
            f"/tickets/{token}/consent/{consent}/withdraw", follow_redirects=True
        )
        assert_all_translated(response.text, *_data(registration))


def test_deleting_details_is_translated(client):
    registration = make_registration(_event(qa_enabled=True))
    token = registration.link_token
    assert_all_translated(client.get(f"/tickets/{token}/delete").text, *_data(registration))
    response = client.post(f"/tickets/{token}/delete", follow_redirects=True)
    assert_all_translated(response.text)


def test_the_certificate_pages_are_translated(client):
    event = _event(starts_at=utcnow() - timedelta(days=2))
    came = make_registration(event, checked_in_at=event.starts_at)
    assert_all_translated(client.get(f"/tickets/{came.link_token}/certificate").text, *_data(came))
    response = client.post(f"/tickets/{came.link_token}/certificate", data={"full_name": "x" * 200})
    assert response.status_code == 400
    assert_all_translated(response.text, *_data(came, "x" * 200))
    missed = make_registration(event)
    response = client.get(f"/tickets/{missed.link_token}/certificate")
    assert response.status_code == 409
    assert_all_translated(response.text, *_data(missed, "events@example.org"))


def test_choosing_a_language_says_so_in_the_language_chosen(client):
    registration = make_registration(_event())
    token = registration.link_token
    # Chosen from a Welsh page, English: the words come from the English catalogue.
    response = client.post(
        f"/cy/tickets/{token}/language", data={"language": "en"}, follow_redirects=True
    )
    assert "⟪Saved. We will write to you in this language about this ticket.⟫" in response.text
    assert_all_translated(response.text, *_data(registration))
    # Chosen from an English page, Welsh: not the English page's words (the pseudo-locale
    # has no Welsh, so they come out bare).
    response = client.post(
        f"/tickets/{token}/language", data={"language": "cy"}, follow_redirects=True
    )
    assert ">Saved. We will write to you in this language about this ticket.<" in response.text
    response = client.post(f"/tickets/{token}/language", data={"language": "xx"})
    assert response.status_code == 400
    assert_all_translated(response.text, *_data(registration))


# --- professionals' bookings -------------------------------------------------------------


def test_the_booking_form_and_its_errors_are_translated(client):
    event = _event(audience=Audience.CARE_EXPERIENCED)
    assert_all_translated(
        client.get(f"/events/{event.slug}/book-for-young-people").text, event.title, HOST
    )
    response = client.post(f"/events/{event.slug}/book-for-young-people", data={"book": "1"})
    assert response.status_code == 400
    assert_all_translated(response.text, event.title, HOST)


def test_a_booking_made_and_its_page_are_translated(client):
    event = _event(capacity=1)
    response = client.post(
        f"/events/{event.slug}/book-for-young-people",
        data={
            "name": "Jo Bell",
            "email": "jo@example.org",
            "organisation": "Luton Leaving Care",
            "role": "Personal adviser",
            "young_people-0-first_name": "Amir",
            "young_people-1-first_name": "Bea",
            "young_people-2-first_name": "Cal",
            "young_people-2-email": "cal@example.com",
            "declared": "y",
            "book": "1",
        },
    )
    assert response.status_code == 200, response.text
    assert_all_translated(response.text, event.title, "jo@example.org", "Amir", "Bea")
    send_pending()
    mailbox = list_emails(current_app.config["MAIL_FILE_DIRECTORY"])
    [token] = {
        found.group(1)
        for mail in mailbox
        if (found := re.search(r"/bookings/([A-Za-z0-9_-]{20,})", mail.text))
    }
    booking = bookings.booking_for_link(token)
    html = client.get(f"/bookings/{token}").text
    assert "⟪Your booking for young people⟫" in html
    people = (event.title, "Jo Bell", "Luton Leaving Care", "Amir", "Bea")
    assert_all_translated(html, *people)
    [amir, *_rest] = bookings.held_tickets(booking)
    response = client.post(
        f"/bookings/{token}/tickets/{amir.reference}/cancel", follow_redirects=True
    )
    assert "is cancelled. We have sent you an email to confirm.⟫" in response.text
    assert_all_translated(
        response.text, event.title, "Jo Bell", "Luton Leaving Care", "Amir", "Bea"
    )


def test_the_certificate_itself_is_written_in_the_page_language(pseudo_app):
    event = _event(starts_at=utcnow() - timedelta(days=2))
    came = make_registration(event, checked_in_at=event.starts_at)
    with pseudo_app.test_request_context("/"):
        words = certificate_text(came, mention_care=True)
    assert words.date_line.startswith("⟪on ")
    assert words.host_line == f"⟪hosted by {HOST}⟫"
    assert words.week_line.startswith("⟪part of National Care Leavers' Week ")
