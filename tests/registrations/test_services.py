"""The rules of signing up, tested without a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Audience, EventStatus
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import queries, services, waiting_list
from nclw.registrations.models import Registration, RegistrationStatus, TicketLink
from nclw.registrations.ticket_links import (
    new_ticket_link,
    registration_for_link,
    ticket_for_link,
)
from nclw.timezones import utcnow
from nclw.tokens import hash_token, new_link_token
from tests.factories import make_event, make_registration


def details(email: str = "sam@example.com", **extra) -> services.SignUpDetails:
    return services.SignUpDetails(first_name="Sam", email=email, **extra)


def test_confirms_while_places_remain_then_waits(app):
    event = make_event(capacity=2)
    now = utcnow()
    results = [services.register(event, details(f"p{i}@example.com"), now=now) for i in range(4)]
    statuses = [result.registration.status for result in results]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    db.session.refresh(event)
    assert event.confirmed_count == 2
    assert queries.waiting_list_position(results[2].registration) == 1
    assert queries.waiting_list_position(results[3].registration) == 2


def test_each_sign_up_queues_its_email_in_the_same_transaction(app):
    event = make_event(capacity=1)
    services.register(event, details("a@example.com"), now=utcnow())
    services.register(event, details("b@example.com"), now=utcnow())
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["ticket_confirmed", "waiting_list"]


def test_same_address_in_another_case_gets_no_second_ticket(app):
    event = make_event()
    first = services.register(event, details("Sam@Example.com"), now=utcnow())
    second = services.register(event, details("  sam@example.COM "), now=utcnow())
    assert second.already_registered
    assert second.registration.id == first.registration.id
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_cancelled_address_can_sign_up_again(app):
    event = make_event()
    first = services.register(event, details(), now=utcnow()).registration
    services.cancel_registration(first, now=utcnow())
    db.session.commit()
    again = services.register(event, details(), now=utcnow())
    assert not again.already_registered
    assert again.registration.is_confirmed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": EventStatus.DRAFT}, "not open"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"registration_closes_at_offset": -1}, "closed"),
        ({"registration_opens_at_offset": 1}, "not opened"),
    ],
)
def test_sign_up_refused_when_not_open(app, changes, message):
    now = utcnow()
    extra = {}
    if "registration_closes_at_offset" in changes:
        extra["registration_closes_at"] = now + timedelta(
            hours=changes.pop("registration_closes_at_offset")
        )
    if "registration_opens_at_offset" in changes:
        extra["registration_opens_at"] = now + timedelta(
            hours=changes.pop("registration_opens_at_offset")
        )
    event = make_event(**changes, **extra)
    with pytest.raises(NotAllowed, match=message):
        services.register(event, details(), now=now)


def test_sign_up_closes_when_the_event_starts(app):
    event = make_event()
    with pytest.raises(NotAllowed, match="started"):
        services.register(event, details(), now=event.starts_at)


def test_care_experienced_event_needs_the_declaration(app):
    event = make_event(audience=Audience.CARE_EXPERIENCED)
    with pytest.raises(InvalidInput, match="care experienced"):
        services.register(event, details(), now=utcnow())
    ok = services.register(event, details(declared_care_experienced=True), now=utcnow())
    assert ok.registration.is_confirmed


def test_professional_event_needs_organisation_and_role(app):
    event = make_event(audience=Audience.PROFESSIONALS)
    with pytest.raises(InvalidInput, match="organisation"):
        services.register(event, details(), now=utcnow())


def test_cancelling_a_confirmed_ticket_promotes_the_first_waiting(app):
    event = make_event(capacity=1)
    holder = make_registration(event)
    first = make_registration(event, status=RegistrationStatus.WAITING)
    second = make_registration(event, status=RegistrationStatus.WAITING)
    promoted = services.cancel_registration(holder, now=utcnow())
    db.session.commit()
    assert promoted == [first]
    assert first.is_confirmed and second.is_waiting
    db.session.refresh(event)
    assert event.confirmed_count == 1
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert sorted(kinds) == ["cancelled_by_attendee", "promoted"]


def test_cancelling_twice_is_refused(app):
    event = make_event()
    registration = make_registration(event)
    services.cancel_registration(registration, now=utcnow())
    with pytest.raises(NotAllowed):
        services.cancel_registration(registration, now=utcnow())


def test_raising_capacity_promotes_in_order_and_lowering_below_confirmed_is_refused(app):
    event = make_event(capacity=2)
    make_registration(event)
    make_registration(event)
    waiting = [make_registration(event, status=RegistrationStatus.WAITING) for _ in range(3)]
    with pytest.raises(InvalidInput, match="2 people already have tickets"):
        waiting_list.change_capacity(event, 1, now=utcnow())
    with pytest.raises(InvalidInput, match="from 1 to 10,000"):
        waiting_list.change_capacity(event, 0, now=utcnow())
    promoted = waiting_list.change_capacity(event, 4, now=utcnow())
    assert promoted == waiting[:2]
    assert waiting[2].is_waiting


def test_manual_promotion_needs_a_free_place(app):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    with pytest.raises(NotAllowed, match="no free places"):
        waiting_list.promote_registration(waiting, actor=None, now=utcnow())


def test_database_refuses_an_overbooked_count(app):
    event = make_event(capacity=1)
    make_registration(event)
    event.confirmed_count = 2
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_reference_is_short_and_readable_and_token_is_long():
    reference = services.new_reference()
    assert reference.startswith("NCLW-") and len(reference) == 11
    assert not set(reference[5:]) & set("01ILOUV")
    assert len(new_link_token()) >= 43  # 256 bits, URL-safe


def test_a_ticket_link_is_kept_only_as_a_hash_and_finds_its_ticket(app):
    registration = make_registration(make_event())
    raw = new_ticket_link(registration.id)
    db.session.commit()

    stored = db.session.scalars(sa.select(TicketLink.token_hash)).all()
    assert raw not in stored and hash_token(raw) in stored
    assert registration_for_link(raw).id == registration.id
    assert registration_for_link(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert registration_for_link("x" * 500) is None


def test_a_ticket_link_opens_nothing_once_the_details_are_deleted(app):
    kept = make_registration(make_event())
    deleted = make_registration(make_event(), anonymised_at=utcnow())
    kept_link, deleted_link = new_ticket_link(kept.id), new_ticket_link(deleted.id)
    db.session.commit()

    assert ticket_for_link(kept_link).id == kept.id
    assert registration_for_link(deleted_link).id == deleted.id
    assert ticket_for_link(deleted_link) is None
    assert ticket_for_link("x" * 500) is None


def test_a_sign_up_stores_every_field_the_same_way_on_each_database(app):
    """SQLite takes three statements and PostgreSQL one; the rows they leave are the same."""
    event = make_event(capacity=1)
    now = utcnow().replace(microsecond=0)
    first = services.register(
        event,
        details(" Sam@Example.com ", access_needs="  Step-free access ", share_with_host=True),
        now=now,
    )
    second = services.register(event, details("kim@example.com"), now=now)

    ticket, waiting = first.registration, second.registration
    assert (ticket.status, ticket.confirmed_at, ticket.waiting_since) == ("confirmed", now, None)
    assert (waiting.status, waiting.confirmed_at, waiting.waiting_since) == ("waiting", None, now)
    assert (ticket.email, ticket.email_normalised) == ("Sam@Example.com", "sam@example.com")
    assert ticket.access_needs == "Step-free access"
    assert (ticket.share_with_host, waiting.share_with_host) == (True, False)
    for row in (ticket, waiting):
        assert (row.created_at, row.updated_at) == (now, now)
        assert (row.no_show, row.calendar_sequence, row.checked_in_at) == (False, 0, None)
        assert row.reference.startswith("NCLW-")
    # No link exists until an email is written for the ticket (see TicketLink).
    assert db.session.scalars(sa.select(TicketLink)).all() == []
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.to_address, m.registration_id) for m in messages] == [
        ("ticket_confirmed", "Sam@Example.com", ticket.id),
        ("waiting_list", "kim@example.com", waiting.id),
    ]
    for message in messages:
        assert (message.status, message.attempts, message.event_id) == ("pending", 0, event.id)
        assert (message.next_attempt_at, message.created_at) == (now, now)
        assert message.text_body is None
    db.session.refresh(event)
    assert event.confirmed_count == 1
