"""Offers from the waiting list that run out: the deadline rule, and each way an offer ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.errors import NotAllowed
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import offer_replies, offers, services, waiting_list
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

STARTS = datetime(2026, 10, 28, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before_start", "lasts"),
    [
        (timedelta(days=10), timedelta(hours=24)),
        (timedelta(days=3, minutes=1), timedelta(hours=24)),
        (timedelta(days=3), timedelta(hours=12)),
        (timedelta(hours=25), timedelta(hours=12)),
        (timedelta(hours=24), timedelta(hours=3)),
        (timedelta(hours=6, minutes=1), timedelta(hours=3)),
    ],
)
def test_the_deadline_shortens_as_the_event_nears(before_start, lasts):
    now = STARTS - before_start
    assert offers.offer_deadline(STARTS, now=now) == now + lasts


@pytest.mark.parametrize(
    "before_start", [timedelta(hours=6), timedelta(hours=1), timedelta(0), -timedelta(hours=1)]
)
def test_inside_the_last_six_hours_there_is_no_offer(before_start):
    assert offers.offer_deadline(STARTS, now=STARTS - before_start) is None


def test_a_deadline_is_never_after_the_start():
    for minutes in range(6 * 60 + 1, 5 * 24 * 60, 7):
        now = STARTS - timedelta(minutes=minutes)
        deadline = offers.offer_deadline(STARTS, now=now)
        assert deadline is not None and now < deadline <= STARTS


def test_an_event_without_offers_has_no_deadline(app):
    event = make_event(offers_expire=False)
    assert offers.deadline_for(event, now=utcnow()) is None


# --- the services -------------------------------------------------------------------------


def _full_event_with_a_waiting_list(waiting: int = 2, **overrides):
    event = make_event(capacity=1, offers_expire=True, **overrides)
    holder = make_registration(event)
    queue = [make_registration(event, status=RegistrationStatus.WAITING) for _ in range(waiting)]
    return event, holder, queue


def _kinds(registration: Registration) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.kind)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _offer_to_first(now):
    event, holder, queue = _full_event_with_a_waiting_list()
    services.cancel_registration(holder, now=now)
    db.session.commit()
    return event, queue


def test_a_freed_place_is_offered_and_held_not_confirmed(app):
    now = utcnow()
    event, (first, second) = _offer_to_first(now)
    db.session.refresh(event)
    assert first.status == RegistrationStatus.OFFERED
    assert first.offer_expires_at == now + timedelta(hours=24)
    assert second.status == RegistrationStatus.WAITING
    # The offer holds the place: a new sign-up joins the waiting list.
    assert event.confirmed_count == 1
    late = services.register(
        event, services.SignUpDetails(first_name="Late", email="late@example.com"), now=now
    )
    assert late.status == RegistrationStatus.WAITING
    assert _kinds(first)[-1] == "place_offered"
    assert "offer.made" in _actions()


def test_the_offer_email_says_the_deadline_and_links_to_the_claim_page(app):
    now = datetime(2026, 10, 20, 9, 30, tzinfo=UTC)  # 10:30am in the UK (summer time)
    event, holder, (first, _second) = _full_event_with_a_waiting_list(starts_at=STARTS)
    services.cancel_registration(holder, now=now)
    db.session.commit()
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "place_offered")
    ).one()
    assert message.subject.startswith(
        "Claim your place by Wednesday 21 October at 10:30am (UK time)"
    )
    assert "/offer" in message.text_body
    assert "No thanks" in message.text_body
    # No calendar invite, and no joining link, until the place is claimed.
    assert message.ical_body is None
    assert event.online_url not in message.text_body


def test_claiming_confirms_the_ticket_without_taking_another_place(app):
    now = utcnow()
    event, (first, _second) = _offer_to_first(now)
    offer_replies.claim_offer(first, now=now + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(event)
    assert first.status == RegistrationStatus.CONFIRMED
    assert event.confirmed_count == 1
    assert _kinds(first)[-1] == "promoted"
    assert _actions()[-1] == "offer.claimed"
    # A second click changes nothing.
    offer_replies.claim_offer(first, now=now + timedelta(hours=2))
    assert _actions()[-1] == "offer.claimed"


def test_an_offer_cannot_be_claimed_after_its_deadline(app):
    now = utcnow()
    _event, (first, _second) = _offer_to_first(now)
    with pytest.raises(NotAllowed, match="offer has ended"):
        offer_replies.claim_offer(first, now=first.offer_expires_at)
    db.session.rollback()
    db.session.refresh(first)
    assert first.status == RegistrationStatus.OFFERED


def test_no_thanks_passes_the_offer_to_the_next_person_at_once(app):
    now = utcnow()
    event, (first, second) = _offer_to_first(now)
    passed_to = offer_replies.decline_offer(first, now=now + timedelta(minutes=5))
    db.session.commit()
    db.session.refresh(second)
    db.session.refresh(event)
    assert first.status == RegistrationStatus.CANCELLED
    assert first.offer_expired_at is None
    assert passed_to == [second]
    assert second.status == RegistrationStatus.OFFERED
    assert event.confirmed_count == 1
    assert _kinds(first)[-1] == "offer_declined"
    assert "offer.declined" in _actions()
    with pytest.raises(NotAllowed):
        offer_replies.decline_offer(first, now=now + timedelta(minutes=6))


def test_an_offer_run_out_passes_on_and_is_recorded_on_the_ticket(app):
    now = utcnow()
    event, (first, second) = _offer_to_first(now)
    deadline = first.offer_expires_at
    assert offer_replies.expire_offers(now=deadline - timedelta(seconds=1)) == 0
    assert offer_replies.expire_offers(now=deadline) == 1
    db.session.refresh(first)
    db.session.refresh(second)
    db.session.refresh(event)
    assert first.status == RegistrationStatus.CANCELLED
    assert first.offer_expired_at == deadline
    assert second.status == RegistrationStatus.OFFERED
    assert event.confirmed_count == 1
    assert _kinds(first)[-1] == "offer_expired"
    assert "offer.expired" in _actions()
    # How a report counts places released by an offer that ran out.
    released = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.offer_expired_at.is_not(None)
        )
    )
    assert released == 1
    # Run again: nothing more runs out.
    assert offer_replies.expire_offers(now=deadline) == 0


def test_the_last_offer_run_out_leaves_the_place_free(app):
    now = utcnow()
    event, holder, (only,) = _full_event_with_a_waiting_list(waiting=1)
    services.cancel_registration(holder, now=now)
    db.session.commit()
    assert offer_replies.expire_offers(now=only.offer_expires_at) == 1
    db.session.refresh(event)
    assert event.confirmed_count == 0
    assert event.places_left == 1


def test_a_claimed_offer_never_runs_out(app):
    now = utcnow()
    _event, (first, second) = _offer_to_first(now)
    offer_replies.claim_offer(first, now=now)
    db.session.commit()
    assert offer_replies.expire_offers(now=now + timedelta(days=2)) == 0
    db.session.refresh(second)
    assert second.status == RegistrationStatus.WAITING


def test_cancelling_an_offer_gives_the_place_to_the_next_person(app):
    now = utcnow()
    event, (first, second) = _offer_to_first(now)
    services.cancel_registration(first, now=now)
    db.session.commit()
    db.session.refresh(second)
    db.session.refresh(event)
    assert second.status == RegistrationStatus.OFFERED
    assert event.confirmed_count == 1


def test_inside_the_last_hours_a_freed_place_is_confirmed_outright(app):
    now = utcnow()
    event, holder, (first, _second) = _full_event_with_a_waiting_list(
        starts_at=now + timedelta(hours=5)
    )
    services.cancel_registration(holder, now=now)
    db.session.commit()
    assert first.status == RegistrationStatus.CONFIRMED
    assert first.offer_expires_at is None


def test_with_offers_off_a_freed_place_is_confirmed_outright(app):
    now = utcnow()
    event = make_event(capacity=1)
    holder = make_registration(event)
    first = make_registration(event, status=RegistrationStatus.WAITING)
    services.cancel_registration(holder, now=now)
    db.session.commit()
    assert first.status == RegistrationStatus.CONFIRMED


def test_raising_the_capacity_makes_offers_too(app):
    now = utcnow()
    event, _holder, (first, second) = _full_event_with_a_waiting_list()
    made = waiting_list.change_capacity(event, 3, now=now)
    db.session.commit()
    assert made == [first, second]
    assert {first.status, second.status} == {RegistrationStatus.OFFERED}
    db.session.refresh(event)
    assert event.confirmed_count == 3
