"""A professional books for young people they support: the rules, without a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Audience
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import bookings, messages, services
from nclw.registrations.models import Booking, Registration, RegistrationStatus
from nclw.registrations.personal_data import purge_personal_data
from nclw.registrations.sign_up_details import SignUpDetails
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

ADVISER = bookings.Professional(
    name="Jo Bell",
    email="jo.bell@luton.example.gov.uk",
    organisation="Luton Council",
    role="Personal adviser",
)


def book(event, *people, declared=True, professional=ADVISER):
    young = [
        person if isinstance(person, bookings.YoungPerson) else bookings.YoungPerson(person)
        for person in people
    ]
    result = bookings.book_for_young_people(
        event, professional, young, declared=declared, now=utcnow()
    )
    db.session.commit()
    return result


def tickets(event) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        )
    )


def outbox() -> list[tuple[str, str]]:
    return [
        (row.kind, row.to_address)
        for row in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def test_places_run_out_part_way_so_the_rest_wait_in_the_order_given(app):
    event = make_event(capacity=3)
    make_registration(event)
    result = book(event, "Amir", "Bea", "Cal", "Dee")
    assert [(t.first_name, t.status) for t in result.held] == [
        ("Amir", RegistrationStatus.CONFIRMED),
        ("Bea", RegistrationStatus.CONFIRMED),
        ("Cal", RegistrationStatus.WAITING),
        ("Dee", RegistrationStatus.WAITING),
    ]
    assert (result.confirmed, result.waiting) == (2, 2)
    db.session.refresh(event)
    assert event.confirmed_count == 3  # never more than the capacity
    booked = [t for t in tickets(event) if t.booking_id]
    assert [t.first_name for t in booked] == ["Amir", "Bea", "Cal", "Dee"]
    # Cal joined the waiting list before Dee, so gets the next place.
    services.cancel_registration(booked[0], now=utcnow())
    db.session.commit()
    assert [t.status for t in booked] == ["cancelled", "confirmed", "confirmed", "waiting"]


def test_the_advisers_address_holds_several_tickets_and_gets_each_one(app):
    event = make_event(capacity=10)
    result = book(event, "Amir", "Bea", "Cal")
    held = tickets(event)
    assert {t.email for t in held} == {ADVISER.email}
    assert len({t.email_normalised for t in held}) == 3
    assert all(t.email_normalised.startswith("booked:") for t in held)
    assert outbox() == [("ticket_confirmed", ADVISER.email)] * 3 + [
        ("booking_summary", ADVISER.email)
    ]
    summary = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "booking_summary")
    )
    for ticket in result.held:
        assert f"{ticket.first_name}: {ticket.reference}, Confirmed" in summary.text_body
    assert "/bookings/" in summary.text_body
    # The adviser may still sign up for themselves, and book again.
    own = services.register(
        event, SignUpDetails(first_name="Jo", email=ADVISER.email), now=utcnow()
    )
    assert not own.already_registered
    book(event, "Dee")
    assert len(tickets(event)) == 5


def test_a_young_persons_own_address_that_holds_a_ticket_gets_no_second_one(app):
    event = make_event(capacity=10)
    theirs = make_registration(event, email="kai@example.com")
    result = book(
        event,
        bookings.YoungPerson("Kai", "KAI@example.com"),
        bookings.YoungPerson("Lou", "lou@example.com"),
        "Amir",
    )
    # The professional learns nothing: both own-address tickets are only counted.
    assert result.sent_to_own_email == 2
    assert [t.first_name for t in result.held] == ["Amir"]
    live = tickets(event)
    assert len(live) == 3
    assert live[0].id == theirs.id and live[0].booking_id is None
    lou = live[1]
    assert (lou.email, lou.email_normalised, lou.booking_id) == (
        "lou@example.com",
        "lou@example.com",
        result.booking_id,
    )
    kinds = outbox()
    assert ("ticket_resent", "kai@example.com") in kinds
    assert ("ticket_confirmed", "lou@example.com") in kinds
    summary = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "booking_summary")
    )
    assert "Kai" not in summary.text_body and "Lou" not in summary.text_body


def test_the_professional_confirms_the_events_own_rules(app):
    event = make_event(audience=Audience.CARE_EXPERIENCED, min_age=18, max_age=25)
    assert bookings.declaration(event) == (
        "Everyone I am booking for is aged 18 to 25 and is in care or has left care "
        "(care experienced)."
    )
    with pytest.raises(InvalidInput, match="Confirm this"):
        book(event, "Amir", declared=False)
    book(event, "Amir")
    assert tickets(event)[0].declared_care_experienced


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ((), "at least one young person"),
        (tuple(f"P{n}" for n in range(11)), "up to 10"),
        (
            (
                bookings.YoungPerson("A", "a@example.com"),
                bookings.YoungPerson("B", "A@example.com"),
            ),
            "their own email",
        ),
        ((bookings.YoungPerson("A", ADVISER.email.upper()),), "Leave the young person's email"),
    ],
)
def test_refuses_bookings_it_cannot_take(app, people, message):
    event = make_event()
    with pytest.raises(InvalidInput, match=message):
        book(event, *people)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_no_booking_for_young_people_on_an_event_for_professionals(app):
    event = make_event(audience=Audience.PROFESSIONALS)
    with pytest.raises(NotAllowed):
        book(event, "Amir")


def test_the_professional_cancels_one_ticket_and_the_place_moves_on(app):
    event = make_event(capacity=1)
    result = book(event, "Amir", "Bea")
    booking = db.session.get(Booking, result.booking_id)
    amir, bea = bookings.held_tickets(booking)
    bookings.cancel_booked_ticket(booking, amir.reference, now=utcnow())
    db.session.commit()
    assert (amir.status, bea.status) == ("cancelled", "confirmed")
    with pytest.raises(NotAllowed):
        bookings.cancel_booked_ticket(booking, "NCLW-NOTOUR", now=utcnow())
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["booking.made", "booking.ticket_cancelled"]


def test_a_link_finds_its_booking_and_nothing_else(app):
    event = make_event()
    result = book(event, "Amir")
    assert bookings.booking_for_link(result.link_token).id == result.booking_id
    assert bookings.booking_for_link("x" + result.link_token) is None
    assert bookings.booking_for_link("") is None


def test_a_ticket_sent_to_the_professional_says_whom_it_is_for(app):
    event = make_event()
    book(event, "Amir", bookings.YoungPerson("Bea", "bea@example.com"))
    amir, bea = tickets(event)
    email = messages.ticket_confirmed(amir)
    assert email.to_address == ADVISER.email
    assert email.text_body.startswith("You booked this ticket for Amir. Please pass it on")
    assert "<p>You booked this ticket for Amir." in email.html_body
    assert "You booked" not in messages.ticket_confirmed(bea).text_body


def test_the_retention_purge_forgets_who_booked(app):
    event = make_event()
    book(event, "Amir")
    purge_personal_data(older_than_days=0, now=event.ends_at + timedelta(days=1))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
    assert tickets(event)[0].anonymised_at is not None


def test_booked_tickets_take_the_language_the_professional_booked_in(app):
    event = make_event(capacity=5)
    with force_locale("cy"):
        book(event, "Amir")
    book(event, "Bea")
    assert [(t.first_name, t.language) for t in tickets(event)] == [("Amir", "cy"), ("Bea", "en")]
