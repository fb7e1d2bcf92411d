"""Every reminder offers "I can't come any more"; the day before's leads with it."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import messages
from nclw.registrations.models import Registration, RegistrationStatus, ReleaseRoute
from nclw.registrations.reminders import queue_reminders
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

LINK = "/cancel?from=reminder"


def _reminder(kind: str) -> OutboxMessage:
    now = utcnow()
    starts = now + (timedelta(hours=20) if kind == "reminder_day_before" else timedelta(hours=1))
    event = make_event(starts_at=starts, format=EventFormat.ONLINE)
    make_registration(event, confirmed_at=now - timedelta(days=3))
    queue_reminders(now=now)
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == kind))


def test_the_day_before_reminder_leads_with_the_link_in_text_and_html(app):
    email = _reminder("reminder_day_before")
    first_line = email.text_body.splitlines()[0]
    assert first_line.startswith("Can't come any more? Give your place to someone else: ")
    assert first_line.endswith(LINK) and "http://nclw.test/tickets/" in first_line
    body = email.html_body.split("<body", 1)[1].split(">", 1)[1].lstrip()
    assert body.startswith("<p><strong>Can't come any more?</strong> <a href=")
    assert LINK in body.split("</p>", 1)[0]


def test_the_hour_before_reminder_offers_it_too(app):
    email = _reminder("reminder_hour_before")
    assert "Can't come any more? Give your place to someone else: " in email.text_body
    assert LINK in email.text_body and LINK in email.html_body


def test_a_discreet_reminder_still_opens_discreetly_then_offers_the_link(app):
    event = make_event(starts_at=utcnow() + timedelta(hours=20))
    ticket = make_registration(event, discreet=True)
    text = messages.reminder_day_before(ticket).text_body
    opening, _, rest = text.partition("\n\n")
    assert opening == messages.DISCREET_OPENING
    assert rest.startswith("Can't come any more?")


def _cancel_path(ticket: Registration) -> str:
    return f"/tickets/{ticket.link_token}{LINK}"


def test_the_page_from_a_reminder_asks_once_and_a_get_changes_nothing(client):
    ticket = make_registration(make_event())
    page = client.get(_cancel_path(ticket))
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<h1>Can't come any more?</h1>" in text
    assert text.count("<button") == 1
    assert "I can't come any more" in text
    db.session.refresh(ticket)
    assert ticket.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("path", "route"),
    [(LINK, ReleaseRoute.REMINDER), ("/cancel", ReleaseRoute.TICKET_PAGE)],
)
def test_the_button_gives_the_place_to_the_next_person_and_says_how(client, path, route):
    event = make_event(capacity=1)
    ticket = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)

    response = client.post(f"/tickets/{ticket.link_token}{path}")

    assert response.status_code == 302
    db.session.expire_all()
    assert ticket.status == RegistrationStatus.CANCELLED
    assert ticket.released_via == route
    assert ticket.place_taken_again is True
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_giving_back_a_place_nobody_waits_for_is_not_taken_again(client):
    ticket = make_registration(make_event(capacity=3))
    client.post(_cancel_path(ticket))
    db.session.expire_all()
    assert ticket.released_via == ReleaseRoute.REMINDER
    assert ticket.place_taken_again is False


def test_leaving_the_waiting_list_releases_no_place(client):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    client.post(_cancel_path(waiting))
    db.session.expire_all()
    assert waiting.status == RegistrationStatus.CANCELLED
    assert waiting.released_via is None
