"""A waiting list for each time slot: people wait for the time they chose, and a place freed
in a time goes only to the people waiting for that time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.audit.actions import AuditAction
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import (
    messages,
    offer_replies,
    services,
    slot_changes,
    slot_waits,
    slots,
    supporters,
    waiting_list,
)
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.queries import waiting_list_position
from nclw.registrations.sign_up_details import SignUpDetails, SupporterDetails
from nclw.registrations.slot_models import EventSlot, SlotWait
from nclw.registrations.supporter_models import SupporterRole
from nclw.timezones import utcnow
from tests.factories import make_event

NOW = utcnow()


def _slotted(count=3, capacity=1, per_slot=True, **event):
    the_event = make_event(capacity=None, waiting_list_per_slot=per_slot, **event)
    made = slot_changes.make_slots(
        the_event,
        first_starts_at=the_event.starts_at,
        count=count,
        minutes=20,
        capacity=capacity,
        now=NOW,
    )
    db.session.commit()
    return the_event, made


def _sign_up(event, slot, email, *, wait=False, supporter=False, now=None) -> Registration:
    details = SignUpDetails(
        first_name="Sam",
        email=email,
        slot_id=slot.id if slot is not None else None,
        wait_for_slot=wait,
        supporter=SupporterDetails("Jo", SupporterRole.CARER) if supporter else None,
    )
    result = services.register(event, details, now=now or utcnow())
    return result.registration


def _counts(event) -> tuple[int, dict[int, int]]:
    db.session.refresh(event)
    return event.confirmed_count, {s.id: s.confirmed_count for s in slots.event_slots(event.id)}


def _status(registration) -> RegistrationStatus:
    db.session.refresh(registration)
    return registration.status


def test_a_full_time_can_be_waited_for_and_the_ticket_remembers_it(app):
    event, (a, b, _c) = _slotted()
    _sign_up(event, a, "holder@example.com")
    waiting = _sign_up(event, a, "wait@example.com", wait=True)
    assert waiting.status == RegistrationStatus.WAITING
    assert slots.slot_waited_for(waiting).id == a.id
    assert slots.slot_of(waiting) is None  # a booking only for tickets holding a place
    assert _counts(event) == (1, {a.id: 1, b.id: 0, _c.id: 0})
    # The times they wait for are theirs in emails and on the ticket.
    assert slots.ticket_times(waiting) == (a.starts_at, a.ends_at)
    email = messages.waiting_list_place(waiting)
    assert "waiting list for that time at number 1" in email.text_body
    assert a.times in email.text_body


def test_choosing_to_wait_for_a_time_that_is_free_after_all_gives_the_place(app):
    event, (a, *_rest) = _slotted()
    mine = _sign_up(event, a, "sam@example.com", wait=True)
    assert mine.status == RegistrationStatus.CONFIRMED and slots.slot_of(mine).id == a.id
    assert db.session.get(SlotWait, mine.id) is None


def test_a_freed_place_goes_only_to_the_people_waiting_for_that_time(app):
    event, (a, b, _c) = _slotted()
    holder_a = _sign_up(event, a, "a@example.com")
    _sign_up(event, b, "b@example.com")
    # Waiting for B came first: with one list for the event they would be next.
    for_b = _sign_up(event, b, "wait-b@example.com", wait=True)
    for_a = _sign_up(event, a, "wait-a@example.com", wait=True)
    for_a_later = _sign_up(event, a, "wait-a2@example.com", wait=True)
    assert waiting_list_position(for_a) == 1 and waiting_list_position(for_a_later) == 2
    promoted = services.cancel_registration(holder_a, now=utcnow())
    db.session.commit()
    assert promoted == [for_a]
    assert _status(for_a) == RegistrationStatus.CONFIRMED
    assert slots.slot_of(for_a).id == a.id and db.session.get(SlotWait, for_a.id) is None
    assert _status(for_b) == RegistrationStatus.WAITING
    assert _status(for_a_later) == RegistrationStatus.WAITING
    assert waiting_list_position(for_a_later) == 1
    assert _counts(event) == (2, {a.id: 1, b.id: 1, _c.id: 0})
    kinds = db.session.scalars(
        sa.select(OutboxMessage.kind).where(OutboxMessage.registration_id == for_a.id)
    ).all()
    assert "promoted" in kinds


def test_one_waiting_list_for_the_event_is_unchanged(app):
    event, (a, b) = _slotted(count=2, per_slot=False)
    holder_b = _sign_up(event, b, "b@example.com")
    _sign_up(event, a, "a@example.com")
    with pytest.raises(InvalidInput, match="free times"):
        _sign_up(event, a, "x@example.com", wait=True)
    first = _sign_up(event, None, "first@example.com")
    assert first.status == RegistrationStatus.WAITING and slots.slot_waited_for(first) is None
    services.cancel_registration(holder_b, now=utcnow())
    db.session.commit()
    assert _status(first) == RegistrationStatus.CONFIRMED and slots.slot_of(first).id == b.id


def test_with_a_list_for_each_time_a_time_must_be_chosen(app):
    event, (a, b) = _slotted(count=2)
    _sign_up(event, a, "a@example.com")
    _sign_up(event, b, "b@example.com")
    with pytest.raises(InvalidInput, match="Choose a time"):
        _sign_up(event, None, "c@example.com")
    with pytest.raises(NotAllowed, match="just been taken"):
        _sign_up(event, a, "c@example.com")  # chose it as free: told, not queued
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 2


def test_a_pair_waits_for_two_places_in_its_time_and_keeps_its_turn(app):
    event, (a, b) = _slotted(count=2, capacity=2, supporters_allowed=True)
    x = _sign_up(event, a, "x@example.com")
    y = _sign_up(event, a, "y@example.com")
    _sign_up(event, b, "b1@example.com")
    _sign_up(event, b, "b2@example.com")
    pair = _sign_up(event, a, "pair@example.com", wait=True, supporter=True)
    single = _sign_up(event, a, "single@example.com", wait=True)
    single_b = _sign_up(event, b, "single-b@example.com", wait=True)
    services.cancel_registration(x, now=utcnow())
    db.session.commit()
    # One place in A: too few for the pair, so the single person behind them has it.
    assert _status(pair) == RegistrationStatus.WAITING
    assert _status(single) == RegistrationStatus.CONFIRMED
    services.cancel_registration(y, now=utcnow())
    services.cancel_registration(single, now=utcnow())
    db.session.commit()
    assert _status(pair) == RegistrationStatus.CONFIRMED and slots.slot_of(pair).id == a.id
    assert _status(single_b) == RegistrationStatus.WAITING  # B's list is not A's
    assert _counts(event) == (4, {a.id: 2, b.id: 2})


def test_a_pair_cannot_wait_for_a_time_with_one_place(app):
    event, (a, _b) = _slotted(count=2, supporters_allowed=True)
    _sign_up(event, a, "a@example.com")
    with pytest.raises(InvalidInput, match="room for one person only"):
        _sign_up(event, a, "pair@example.com", wait=True, supporter=True)
    alone = _sign_up(event, a, "alone@example.com", wait=True)
    with pytest.raises(NotAllowed, match="one person only"):
        supporters.add_supporter(alone, SupporterDetails("Jo", SupporterRole.CARER), now=NOW)


def test_a_supporter_taken_off_frees_a_place_for_that_times_list(app):
    event, (a, b) = _slotted(count=2, capacity=2, supporters_allowed=True)
    pair = _sign_up(event, a, "pair@example.com", supporter=True)
    _sign_up(event, b, "b1@example.com")
    _sign_up(event, b, "b2@example.com")
    for_b = _sign_up(event, b, "wait-b@example.com", wait=True)
    for_a = _sign_up(event, a, "wait-a@example.com", wait=True)
    supporters.remove_supporter(pair, now=utcnow())
    db.session.commit()
    assert _status(for_a) == RegistrationStatus.CONFIRMED
    assert _status(for_b) == RegistrationStatus.WAITING


def test_offers_come_from_the_times_own_list_and_pass_along_it(app):
    event, (a, b) = _slotted(count=2, offers_expire=True)
    holder = _sign_up(event, a, "a@example.com")
    _sign_up(event, b, "b@example.com")
    for_b = _sign_up(event, b, "wait-b@example.com", wait=True)
    first = _sign_up(event, a, "first@example.com", wait=True)
    second = _sign_up(event, a, "second@example.com", wait=True)
    services.cancel_registration(holder, now=utcnow())
    db.session.commit()
    assert _status(first) == RegistrationStatus.OFFERED and slots.slot_of(first).id == a.id
    offer_replies.decline_offer(first, now=utcnow())
    db.session.commit()
    assert _status(second) == RegistrationStatus.OFFERED and slots.slot_of(second).id == a.id
    # Run out: nobody else waits for A, so the place stays free; B's list never gets it.
    offer_replies.expire_offer(second, now=second.offer_expires_at + timedelta(seconds=1))
    db.session.commit()
    assert _status(for_b) == RegistrationStatus.WAITING
    assert _counts(event) == (1, {a.id: 0, b.id: 1})


def test_moving_to_another_time_gives_the_old_one_to_its_list(app):
    event, (a, b, c) = _slotted()
    mover = _sign_up(event, a, "mover@example.com")
    _sign_up(event, b, "b@example.com")
    for_a = _sign_up(event, a, "wait-a@example.com", wait=True)
    slot_changes.move_to_slot(mover, c.id, now=utcnow())
    db.session.commit()
    assert _status(for_a) == RegistrationStatus.CONFIRMED and slots.slot_of(for_a).id == a.id
    assert _counts(event) == (3, {a.id: 1, b.id: 1, c.id: 1})


def test_an_organiser_gives_a_place_only_in_the_time_waited_for(app):
    event, (a, b) = _slotted(count=2, capacity=2)
    _sign_up(event, a, "a1@example.com")
    _sign_up(event, a, "a2@example.com")
    for_a = _sign_up(event, a, "wait-a@example.com", wait=True)
    _sign_up(event, b, "b1@example.com")
    # B has a place free, but they wait for A.
    with pytest.raises(NotAllowed, match="is full"):
        waiting_list.promote_registration(for_a, actor=None, now=utcnow())
    db.session.rollback()
    # The organiser adds a place to A (as if A had been made with three).
    db.session.execute(sa.update(EventSlot).where(EventSlot.id == a.id).values(capacity=3))
    db.session.execute(sa.update(type(event)).where(type(event).id == event.id).values(capacity=5))
    waiting_list.promote_registration(for_a, actor=None, now=utcnow())
    db.session.commit()
    assert slots.slot_of(for_a).id == a.id


def test_the_choice_changes_only_while_nobody_waits(app):
    event, (a, _b) = _slotted(count=2, per_slot=False)
    assert slot_waits.set_waiting_lists(event, slot_waits.LIST_PER_TIME, actor=None, now=NOW)
    db.session.commit()
    assert event.waiting_list_per_slot
    assert not slot_waits.set_waiting_lists(event, slot_waits.LIST_PER_TIME, actor=None, now=NOW)
    _sign_up(event, a, "a@example.com")
    _sign_up(event, _b, "b@example.com")
    _sign_up(event, a, "wait@example.com", wait=True)
    with pytest.raises(NotAllowed, match="cannot change now"):
        slot_waits.set_waiting_lists(event, slot_waits.ONE_LIST, actor=None, now=NOW)
    with pytest.raises(InvalidInput):
        slot_waits.set_waiting_lists(event, "other", actor=None, now=NOW)
    db.session.rollback()
    db.session.refresh(event)
    assert event.waiting_list_per_slot
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count(AuditAction.EVENT_WAITING_LISTS_CHANGED.value) == 1


def test_the_desk_says_which_time_a_waiting_person_waits_for(client):
    # Door staff meeting someone on a time's own waiting list see which time they wait for,
    # as the attendee list says it; someone on the event's one list is shown as before.
    import re

    from nclw.registrations import on_the_day
    from tests.conftest import login
    from tests.factories import make_user

    organiser = make_user()
    login(client, organiser)
    event, (a, b, _c) = _slotted()
    _sign_up(event, a, "holder@example.com")
    _sign_up(event, b, "other@example.com")
    waits_for_b = _sign_up(event, b, "waits@example.com", wait=True)
    db.session.commit()

    found = on_the_day.find_at_the_desk(event, "sam", actor=organiser)
    assert found.waits == {waits_for_b.id: b.times}
    assert found.waits == slot_waits.waited_times(event)

    desk = client.get(f"/admin/events/{event.id}/check-in", query_string={"q": "sam"}).text
    words = " ".join(re.sub(r"<[^>]+>", " ", desk).split())
    assert (
        f"Sam · {waits_for_b.reference} · On the waiting list for {b.times}: no ticket yet" in words
    )
    scanned = client.get(
        f"/admin/events/{event.id}/check-in", query_string={"reference": waits_for_b.reference}
    ).text
    assert f"On the waiting list for {b.times}: no ticket yet." in scanned

    one_list, (slot,) = _slotted(count=1, per_slot=False)
    _sign_up(one_list, slot, "first@example.com")
    waiting = _sign_up(one_list, None, "second@example.com")
    assert waiting.status == RegistrationStatus.WAITING
    db.session.commit()
    assert on_the_day.find_at_the_desk(one_list, "sam", actor=organiser).waits == {}
    desk = client.get(f"/admin/events/{one_list.id}/check-in", query_string={"q": "sam"}).text
    words = " ".join(re.sub(r"<[^>]+>", " ", desk).split())
    assert f"Sam · {waiting.reference} · On the waiting list: no ticket yet" in words
