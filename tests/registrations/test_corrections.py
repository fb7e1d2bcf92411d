"""An organiser corrects a typo in a name or an email address, tested without a request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.actions import AuditAction
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations import services
from nclw.registrations.corrections import correct_details
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.personal_data import delete_my_details
from nclw.registrations.ticket_links import registration_for_link
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration, make_user

TITLE = "Care leavers' careers evening"


@pytest.fixture
def event(app):
    return make_event(
        title=TITLE,
        format=EventFormat.IN_PERSON,
        venue_name="Leaving Care Hub",
        address="1 High Street, Luton",
        online_url=None,
    )


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, email="organiser@example.org", name="Olu")


def _correct(registration, organiser, **changes):
    values = {"first_name": registration.first_name, "email": registration.email, **changes}
    result = correct_details(registration, **values, actor=organiser, now=utcnow())
    db.session.commit()
    return result


def _outbox() -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _entries() -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()


def test_a_name_fix_is_saved_and_audited_without_the_name_and_sends_nothing(event, organiser):
    person = make_registration(event, first_name="Sma", email="sam@example.com")
    result = _correct(person, organiser, first_name="  Sam ")
    assert result.name_changed and not result.address_changed
    db.session.refresh(person)
    assert person.first_name == "Sam" and person.email == "sam@example.com"
    assert _outbox() == []
    (entry,) = _entries()
    assert entry.action == AuditAction.REGISTRATION_DETAILS_CORRECTED
    assert entry.actor_id == organiser.id and entry.target_id == person.id
    assert entry.summary == "Corrected first name"
    assert "Sam" not in entry.summary


def test_a_new_address_gets_the_ticket_and_invite_and_the_old_one_a_masked_notice(event, organiser):
    person = make_registration(event, first_name="Sam", email="sam@gmial.com")
    old_link = person.link_token
    result = _correct(person, organiser, email="Sam.Jones@Gmail.com")
    assert result.address_changed
    db.session.refresh(person)
    assert person.email == "Sam.Jones@Gmail.com"
    assert person.email_normalised == "sam.jones@gmail.com"
    assert person.calendar_sequence == 1

    old, new = _outbox()
    assert (old.kind, old.to_address) == ("address_changed_old", "sam@gmial.com")
    assert (new.kind, new.to_address) == ("address_changed_new", "Sam.Jones@Gmail.com")
    # The old address may be a stranger's: no name, no event, no link, the new address masked.
    assert "S***@G***.com" in old.text_body and "Sam.Jones" not in old.text_body
    for words in (old.subject, old.text_body, old.html_body):
        assert "Sam," not in words and TITLE not in words and "care" not in words.lower()
        assert "/ticket" not in words
    assert old.ical_body is None
    # The new one has the ticket, with the invite addressed to it.
    assert person.reference in new.text_body and TITLE in new.text_body
    assert new.ical_method == "REQUEST"
    assert "mailto:Sam.Jones@Gmail.com" in new.ical_body.replace("\r\n ", "")
    # Links already sent keep working.
    assert registration_for_link(old_link).id == person.id

    (entry,) = _entries()
    assert entry.summary == "Corrected email address (both addresses told)"
    assert "gmail" not in entry.summary.lower()


def test_a_discreet_ticket_is_told_discreetly_at_both_addresses(event, organiser):
    person = make_registration(event, email="kai@example.com", discreet=True)
    _correct(person, organiser, email="kai@example.org")
    for message in _outbox():
        assert message.sender_name == "Bookings"
        assert message.subject.endswith(f"({person.reference})")
        assert "ticket" not in message.subject.lower() and TITLE not in message.subject
        assert message.text_body.startswith("This is about your booking.")
    new = _outbox()[1]
    assert "SUMMARY:Appointment" in new.ical_body


def test_someone_waiting_gets_their_place_at_the_new_address_without_an_invite(event, organiser):
    person = make_registration(event, status=RegistrationStatus.WAITING, email="ben@example.com")
    _correct(person, organiser, email="ben@example.org")
    new = _outbox()[1]
    assert new.to_address == "ben@example.org" and new.ical_body is None
    assert "on the waiting list" in new.text_body


def test_unsent_mail_follows_the_new_address_and_an_unsent_ticket_is_not_sent_twice(
    event, organiser
):
    person = services.register(
        event, services.SignUpDetails(first_name="Ola", email="ola@exmaple.com"), now=utcnow()
    ).registration
    # The ticket email waits to be written and sent; an organiser's message failed once.
    db.session.add(
        OutboxMessage(
            kind="attendee_message",
            to_address="ola@exmaple.com",
            subject="Parking",
            text_body="Park at the back.",
            registration_id=person.id,
            event_id=event.id,
            status=MessageStatus.PENDING,
            attempts=1,
        )
    )
    db.session.commit()
    _correct(person, organiser, email="ola@example.com")
    kinds = [(m.kind, m.to_address) for m in _outbox()]
    assert kinds == [
        ("attendee_message", "ola@example.com"),
        ("address_changed_old", "ola@exmaple.com"),
        ("address_changed_new", "ola@example.com"),
    ]


def test_an_address_with_a_place_at_the_same_event_is_refused(event, organiser):
    person = make_registration(event, first_name="Ava", email="ava@example.com")
    other = make_registration(event, email="someone@example.com")
    with pytest.raises(NotAllowed, match=other.reference):
        _correct(person, organiser, first_name="Eva", email=" SOMEONE@example.com ")
    db.session.rollback()
    db.session.refresh(person)
    assert (person.first_name, person.email) == ("Ava", "ava@example.com")
    assert _outbox() == [] and _entries() == []


def test_an_address_whose_ticket_was_cancelled_is_free_to_use(event, organiser):
    person = make_registration(event, email="ava@example.com")
    make_registration(event, email="old@example.com", status=RegistrationStatus.CANCELLED)
    assert _correct(person, organiser, email="old@example.com").address_changed


def test_the_unique_index_refuses_an_address_that_slips_past_the_check(
    event, organiser, monkeypatch
):
    person = make_registration(event, email="ava@example.com")
    make_registration(event, email="raced@example.com")
    # As if the other sign-up arrived between the check and the write.
    monkeypatch.setattr("nclw.registrations.corrections.find_live_registration", lambda *a: None)
    with pytest.raises(NotAllowed, match="just been used"):
        _correct(person, organiser, email="raced@example.com")
    db.session.rollback()
    assert db.session.get(Registration, person.id).email == "ava@example.com"


def test_deleted_details_cannot_be_corrected(event, organiser):
    person = make_registration(event, email="ava@example.com")
    delete_my_details(person, now=utcnow())
    db.session.commit()
    entries = len(_entries())
    with pytest.raises(NotAllowed, match="deleted their details"):
        _correct(person, organiser, first_name="Ava", email="ava@example.org")
    db.session.rollback()
    db.session.refresh(person)
    assert person.first_name == "" and person.email == ""
    assert _outbox() == [] and len(_entries()) == entries


def test_a_cancelled_ticket_cannot_be_corrected(event, organiser):
    person = make_registration(event, status=RegistrationStatus.CANCELLED)
    with pytest.raises(NotAllowed, match="cancelled"):
        _correct(person, organiser, first_name="Someone else")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": "   "}, "Enter their first name"),
        ({"email": ""}, "Enter their email address"),
        ({"first_name": "x" * 81}, "80 characters or fewer"),
        ({"email": "a" * 250 + "@example.com"}, "254 characters or fewer"),
        ({"email": "josé@example.com"}, "letters like é"),
        ({}, "Nothing has changed"),
    ],
)
def test_nothing_changes_on_invalid_input(event, organiser, changes, message):
    person = make_registration(event, first_name="Ava", email="ava@example.com")
    with pytest.raises(InvalidInput, match=message):
        _correct(person, organiser, **changes)
    db.session.rollback()
    db.session.refresh(person)
    assert (person.first_name, person.email) == ("Ava", "ava@example.com")
    assert _outbox() == [] and _entries() == []


def test_the_same_address_in_other_capitals_is_saved_without_emails(event, organiser):
    person = make_registration(event, email="ava@example.com")
    result = _correct(person, organiser, email="Ava@Example.com")
    assert not result.address_changed
    db.session.refresh(person)
    assert person.email == "Ava@Example.com" and person.email_normalised == "ava@example.com"
    assert _outbox() == []
    assert _entries()[0].summary == "Corrected how the email address is written"
