"""An attendee's own page: what organisers see, who else may not, and correcting a typo."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations import on_their_behalf
from nclw.registrations.personal_data import delete_my_details
from nclw.timezones import utcnow
from tests.conftest import login, make_test_app
from tests.factories import make_event, make_registration, make_user


def _url(registration) -> str:
    return f"/admin/registrations/{registration.id}"


def _outbox() -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _email(registration, **fields) -> OutboxMessage:
    values = {
        "kind": "attendee_message",
        "to_address": registration.email,
        "subject": "Parking",
        "text_body": "The secret words of the message.",
        "registration_id": registration.id,
        "event_id": registration.event_id,
        **fields,
    }
    message = OutboxMessage(**values)
    db.session.add(message)
    db.session.commit()
    return message


def test_an_organiser_sees_the_details_needs_emails_and_history(organiser_client, week):
    person = week.confirmed
    person.access_requests = "step_free,bsl"
    person.access_needs = "Short breaks, please."
    person.discreet = True
    person.share_with_host = True
    person.checked_in_at = utcnow()
    _email(person, status=MessageStatus.SENT, sent_at=utcnow(), text_body=None)
    _email(person, subject="Reminder", attempts=2, last_error="Mailbox busy")
    on_their_behalf.cancel_on_their_behalf(
        week.waiting, reason="Signed up twice.", actor=week.organiser, now=utcnow()
    )
    db.session.commit()

    page = organiser_client.get(_url(person)).get_data(as_text=True)
    for words in (
        "Ava",
        "ava@example.com",
        person.reference,
        week.event.title,
        "Confirmed",
        "Step-free access; British Sign Language (BSL) interpreter",
        "Short breaks, please.",
        "Yes: emails come from “Bookings”",
        "Failed: will try again",
        "Mailbox busy",
        "Sent ",
        'name="first_name"',
    ):
        assert words in page, words
    assert "The secret words" not in page
    # Newest email first.
    assert page.index("Reminder") < page.index("Parking")

    cancelled = organiser_client.get(_url(week.waiting)).get_data(as_text=True)
    assert "Cancelled by the organisers: Signed up twice." in cancelled
    assert "cancelled Ben&#39;s ticket" in cancelled or "cancelled Ben's ticket" in cancelled
    assert "its details cannot be changed" in cancelled and 'name="first_name"' not in cancelled


def test_the_attendee_list_links_each_name_to_its_page(organiser_client, week):
    page = organiser_client.get(f"/admin/events/{week.event.id}/attendees").get_data(as_text=True)
    assert f'<a href="{_url(week.confirmed)}">Ava</a>' in page


def test_door_staff_partners_and_visitors_cannot_see_it(client, week, door):
    url = _url(week.confirmed)
    login(client, door)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"first_name": "X", "email": "x@example.com"}).status_code == 403
    login(client, week.partner)
    assert client.get(url).status_code == 403
    other = make_user(Role.ORGANISER)
    login(client, other)
    assert client.get("/admin/registrations/999999").status_code == 404
    assert client.get("/admin/registrations/99999999999").status_code == 404
    db.session.refresh(week.confirmed)
    assert week.confirmed.first_name == "Ava"


def test_correcting_the_address_saves_and_says_both_addresses_are_told(organiser_client, week):
    response = organiser_client.post(
        _url(week.confirmed),
        data={"first_name": "Ava", "email": "ava@example.org"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "telling the old one" in page
    assert "Corrected email address" in page  # the history
    assert [m.to_address for m in _outbox()] == ["ava@example.com", "ava@example.org"]


def test_bad_input_is_a_400_with_a_message_and_changes_nothing(organiser_client, week):
    url = _url(week.confirmed)
    cases = {
        "Enter their first name": {"first_name": "", "email": "ava@example.com"},
        "Enter an email address in the correct format": {"first_name": "A", "email": "nope"},
        "80 characters or fewer": {"first_name": "x" * 81, "email": "ava@example.com"},
        "254 characters or fewer": {"first_name": "A", "email": "a" * 250 + "@example.com"},
        "letters like é": {"first_name": "A", "email": "josé@example.com"},
        "Nothing has changed": {"first_name": "Ava", "email": "ava@example.com"},
        "already has a ticket": {"first_name": "Ava", "email": "BEN@example.com"},
        "Enter their email address": {"first_name": "Ava"},
    }
    for message, data in cases.items():
        response = organiser_client.post(url, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, message
        assert message in page, message
        assert "There is a problem" in page and "<title>Error:" in page
    db.session.refresh(week.confirmed)
    assert (week.confirmed.first_name, week.confirmed.email) == ("Ava", "ava@example.com")
    assert _outbox() == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_deleted_details_show_no_personal_details_and_no_form(organiser_client, week):
    person = week.confirmed
    reference = person.reference
    _email(person)
    delete_my_details(person, now=utcnow())
    db.session.commit()
    page = organiser_client.get(_url(person)).get_data(as_text=True)
    assert "details were deleted" in page and reference in page
    assert "ava@example.com" not in page and "Ava" not in page
    assert 'name="first_name"' not in page and "Parking" not in page
    refused = organiser_client.post(_url(person), data={"first_name": "A", "email": "a@b.org"})
    assert refused.status_code == 400
    assert "deleted their details" in refused.get_data(as_text=True)


def test_correcting_needs_the_forms_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        organiser = make_user()
        person = make_registration(make_event(), first_name="Ava")
        client = app.test_client()
        login(client, organiser)
        page = client.get(_url(person)).get_data(as_text=True)
        assert 'name="csrf_token"' in page
        response = client.post(_url(person), data={"first_name": "Eva", "email": person.email})
        assert response.status_code == 400
        db.session.refresh(person)
        assert person.first_name == "Ava"
        db.session.remove()
        db.engine.dispose()
