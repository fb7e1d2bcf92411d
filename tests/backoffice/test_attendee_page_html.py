"""An attendee's own page is valid HTML with no inline styles or scripts (CSP), in each of
its states."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.corrections import correct_details
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.personal_data import delete_my_details
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_attendee_pages_are_valid(app):
    organiser = make_user(Role.ORGANISER, email="lead@nclw.example")
    event = make_event(min_age=18)
    person = make_registration(
        event, first_name="Ava", access_requests="bsl", access_needs="Short breaks."
    )
    correct_details(
        person, first_name="Ava", email="ava@example.org", actor=organiser, now=utcnow()
    )
    db.session.add(
        OutboxMessage(
            kind="attendee_message",
            to_address="ava@example.org",
            subject="Parking",
            registration_id=person.id,
            status=MessageStatus.FAILED,
            attempts=10,
            last_error="Gave up after 10 tries.",
        )
    )
    cancelled = make_registration(event, status=RegistrationStatus.CANCELLED)
    deleted = make_registration(event)
    delete_my_details(deleted, now=utcnow())
    db.session.commit()

    client = app.test_client()
    login(client, organiser)
    assert_valid_pages(
        {
            "attendee": client.get(f"/admin/registrations/{person.id}"),
            "attendee, errors": client.post(
                f"/admin/registrations/{person.id}", data={"first_name": "", "email": "nope"}
            ),
            "attendee, cancelled": client.get(f"/admin/registrations/{cancelled.id}"),
            "attendee, details deleted": client.get(f"/admin/registrations/{deleted.id}"),
            "attendees, linked": client.get(f"/admin/events/{event.id}/attendees"),
        }
    )
