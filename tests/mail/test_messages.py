"""What each email says: reference, a ticket link of its own, contact and support always;
joining links only for confirmed tickets; invites and cancellations where they belong."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.registrations import messages
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.ticket_links import registration_for_link
from tests.factories import make_event, make_registration
from tests.support.tickets import ticket_token_in


def _assert_carries_the_essentials(email, registration) -> None:
    # Each email has a ticket link of its own, leading to this ticket (not the factory's link).
    token = ticket_token_in(email.text_body)
    assert token != registration.link_token
    assert registration_for_link(token).id == registration.id
    link = f"http://nclw.test/tickets/{token}"
    for body in (email.text_body, email.html_body):
        assert registration.reference in body
        assert link in body
        assert "hello@nclw-events.org.uk" in body
        assert "Help at Hand" in body
    if email.ical_body is not None:
        [entry] = Calendar.from_ical(email.ical_body).walk("VEVENT")
        assert link in str(entry["DESCRIPTION"])


@pytest.fixture
def event(app):
    return make_event(format=EventFormat.HYBRID, venue_name="Town Hall", address="1 High St")


@pytest.mark.parametrize(
    ("compose", "method"),
    [
        (messages.ticket_confirmed, "REQUEST"),
        (messages.promoted_from_waiting_list, "REQUEST"),
        (messages.ticket_resent, "REQUEST"),
        (messages.event_changed, "REQUEST"),
        (lambda r: messages.event_cancelled(r, "Flooding"), "CANCEL"),
        (lambda r: messages.attendee_message(r, "Room", "Bring ID"), None),
        (messages.reminder_day_before, None),
        (messages.reminder_hour_before, None),
    ],
)
def test_emails_to_a_confirmed_person(event, compose, method):
    person = make_registration(event)

    email = compose(person)

    _assert_carries_the_essentials(email, person)
    assert email.ical_method == method
    assert (email.ical_body is None) == (method is None)
    if method:
        assert f"METHOD:{method}" in email.ical_body
    if method != "CANCEL":
        assert event.online_url in email.text_body


@pytest.mark.parametrize(
    "compose",
    [
        messages.waiting_list_place,
        messages.ticket_resent,
        messages.event_changed,
        lambda r: messages.event_cancelled(r, "Flooding"),
        lambda r: messages.attendee_message(r, "Room", "Bring ID"),
    ],
)
def test_emails_to_someone_waiting_have_no_joining_link_and_no_invite(event, compose):
    person = make_registration(event, status=RegistrationStatus.WAITING)

    email = compose(person)

    _assert_carries_the_essentials(email, person)
    assert event.online_url not in email.text_body
    assert event.online_url not in email.html_body
    assert email.ical_body is None


def test_cancelling_sends_a_calendar_cancel_only_if_an_invite_was_sent(event):
    had_ticket = make_registration(event)
    was_waiting = make_registration(event, status=RegistrationStatus.WAITING)
    for person in (had_ticket, was_waiting):
        person.status = RegistrationStatus.CANCELLED
        person.calendar_sequence += 1
    db.session.commit()

    assert messages.cancelled_by_attendee(had_ticket).ical_method == "CANCEL"
    assert messages.cancelled_by_attendee(was_waiting).ical_body is None


def test_event_cancelled_gives_the_reason(event):
    person = make_registration(event)

    email = messages.event_cancelled(person, "The venue flooded.")

    assert "The venue flooded." in email.text_body
    assert "The venue flooded." in email.html_body
    assert "STATUS:CANCELLED" in email.ical_body


def test_an_organisers_message_is_escaped_in_html_and_kept_as_typed_in_text(event):
    person = make_registration(event)
    body = "Bring <b>photo ID</b> & a pen.\n\nSee you there."

    email = messages.attendee_message(person, "Before Thursday", body)

    assert email.subject == "Before Thursday"
    assert body in email.text_body
    assert "Bring &lt;b&gt;photo ID&lt;/b&gt; &amp; a pen." in email.html_body
    assert "<b>photo ID</b>" not in email.html_body
    assert "<p>See you there.</p>" in email.html_body


def test_reminders_are_only_for_confirmed_tickets_and_online_events(app):
    in_person = make_event(format=EventFormat.IN_PERSON, venue_name="Hall", address="1 Road")
    waiting = make_registration(in_person, status=RegistrationStatus.WAITING)
    confirmed = make_registration(in_person)

    with pytest.raises(ValueError):
        messages.reminder_day_before(waiting)
    with pytest.raises(ValueError):
        messages.reminder_hour_before(confirmed)
    assert "Hall, 1 Road" in messages.reminder_day_before(confirmed).text_body


@pytest.mark.parametrize("qa_enabled", [True, False])
def test_a_place_from_the_waiting_list_says_questions_can_now_be_sent(app, qa_enabled):
    event = make_event(capacity=5, qa_enabled=qa_enabled)
    person = make_registration(event)

    email = messages.promoted_from_waiting_list(person)

    said = "You can now send questions for the Q&A"
    assert (said in email.text_body) is qa_enabled
    assert (said.replace("&", "&amp;") in email.html_body) is qa_enabled
    if qa_enabled:
        assert registration_for_link(ticket_token_in(email.text_body)).id == person.id
