"""Doing one thing to many ticked people, called without a request: counts, skips, capacity,
audit, and one refusal never stopping the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import bulk, on_the_day
from nclw.registrations.bulk import BulkAction
from nclw.registrations.models import RegistrationStatus
from tests.factories import make_event, make_registration, make_user

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
WAITING = RegistrationStatus.WAITING


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, email="lead@example.org")


def _actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _ids(*people) -> list[int]:
    return [person.id for person in people]


def test_check_in_counts_the_people_it_touches_and_says_why_others_are_skipped(organiser):
    event = make_event(capacity=10)
    ava, ben, cal = (make_registration(event) for _ in range(3))
    early = make_registration(event, checked_in_at=NOW)
    waiting = make_registration(event, status=WAITING)
    gone = make_registration(event, status=RegistrationStatus.CANCELLED)
    chosen = _ids(ava, ben, cal, early, waiting, gone)

    plan = bulk.plan_bulk(event, BulkAction.CHECK_IN, chosen, actor=organiser)
    assert plan.question() == "Check in 3 people?"
    assert plan.people == (ava, ben, cal) and plan.skipped_count == 3
    assert [s.in_words() for s in plan.skipped] == [
        "1 is already checked in",
        "1 is on the waiting list",
        "1 is cancelled",
    ]
    assert plan.chosen_ids == sorted(chosen)

    result = bulk.run_bulk(event, BulkAction.CHECK_IN, chosen, actor=organiser, now=NOW)
    db.session.commit()
    assert result.in_words() == "3 people are checked in."
    assert all(person.checked_in_at == NOW for person in (ava, ben, cal))
    assert waiting.checked_in_at is None
    assert len(_actions("registration.checked_in")) == 3
    assert result.problems_in_words()[0] == (
        f"1 is already checked in, so was left out: {early.first_name} ({early.reference})."
    )


def test_one_refusal_does_not_stop_the_others(organiser, monkeypatch):
    event = make_event(capacity=10)
    people = [make_registration(event) for _ in range(3)]
    real = on_the_day.check_in

    def refuse_the_middle_one(registration, **kwargs):
        real(registration, **kwargs)  # its change and audit entry are made, then undone
        if registration.id == people[1].id:
            raise NotAllowed("The desk has just checked them in.")
        return registration

    monkeypatch.setattr(on_the_day, "check_in", refuse_the_middle_one)
    result = bulk.run_bulk(event, BulkAction.CHECK_IN, _ids(*people), actor=organiser, now=NOW)
    db.session.commit()
    assert result.done == (people[0], people[2])
    assert [(n.registration, n.reason) for n in result.failed] == [
        (people[1], "The desk has just checked them in.")
    ]
    db.session.expire_all()
    assert [p.checked_in_at is not None for p in people] == [True, False, True]
    # The undone change left no audit entry behind.
    assert {e.target_id for e in _actions("registration.checked_in")} == {
        people[0].id,
        people[2].id,
    }
    assert (
        "could not be done: The desk has just checked them in." in (result.problems_in_words()[0])
    )


def test_giving_places_never_overbooks_and_serves_the_longest_waiting_first(organiser):
    event = make_event(capacity=3)
    make_registration(event)
    first, second, third = (make_registration(event, status=WAITING) for _ in range(3))
    confirmed = make_registration(event)
    chosen = _ids(third, first, second, confirmed)

    plan = bulk.plan_bulk(event, BulkAction.PROMOTE, chosen, actor=organiser)
    assert plan.people == (first,)
    assert [s.in_words() for s in plan.skipped] == [
        "1 already has a place",
        "2 cannot get a place: there are not enough free places",
    ]
    result = bulk.run_bulk(event, BulkAction.PROMOTE, chosen, actor=organiser, now=NOW)
    db.session.commit()
    assert result.done == (first,) and first.is_confirmed
    assert second.is_waiting and third.is_waiting
    db.session.refresh(event)
    assert event.confirmed_count == event.capacity == 3
    assert len(_actions("registration.promoted")) == 1
    emails = db.session.scalars(sa.select(OutboxMessage.registration_id)).all()
    assert emails == [first.id]


def test_a_place_taken_between_plan_and_action_is_reported_not_overbooked(organiser, monkeypatch):
    event = make_event(capacity=2)
    make_registration(event)
    first, second = (make_registration(event, status=WAITING) for _ in range(2))
    event.capacity = 3
    db.session.commit()
    plan = bulk.plan_bulk(event, BulkAction.PROMOTE, _ids(first, second), actor=organiser)
    assert plan.people == (first, second)
    # Someone else takes a place after the plan was made: the guarded count still holds.
    monkeypatch.setattr(bulk, "plan_bulk", lambda *args, **kwargs: plan)
    make_registration(event)
    result = bulk.run_bulk(event, BulkAction.PROMOTE, _ids(first, second), actor=organiser, now=NOW)
    db.session.commit()
    assert result.done == (first,)
    assert result.failed[0].registration == second
    assert "no free places" in result.failed[0].reason
    db.session.refresh(event)
    assert event.confirmed_count == 3


def test_cancelling_emails_the_reason_and_frees_places_for_those_not_cancelled(organiser):
    event = make_event(capacity=2)
    ava, ben = make_registration(event), make_registration(event)
    waiting_too = make_registration(event, status=WAITING)
    next_up = make_registration(event, status=WAITING)
    chosen = _ids(ava, waiting_too)

    with pytest.raises(InvalidInput, match="Say why"):
        bulk.run_bulk(event, BulkAction.CANCEL, chosen, actor=organiser, now=NOW, reason=" ")
    assert ava.is_confirmed  # nothing was touched

    result = bulk.run_bulk(
        event, BulkAction.CANCEL, chosen, actor=organiser, now=NOW, reason="The room is smaller."
    )
    db.session.commit()
    assert set(result.done) == {ava, waiting_too}
    assert ava.is_cancelled and waiting_too.is_cancelled and ben.is_confirmed
    # The place Ava freed went to the next person waiting, not to one being cancelled.
    assert result.promoted == (next_up,) and next_up.is_confirmed
    assert result.in_words().endswith("1 person from the waiting list has the places they freed.")
    assert ava.cancellation_reason == "The room is smaller."
    bodies = db.session.scalars(
        sa.select(OutboxMessage.text_body).where(OutboxMessage.registration_id == ava.id)
    ).all()
    assert any("The room is smaller." in body for body in bodies)
    assert len(_actions("registration.cancelled")) == 2


def test_a_message_goes_only_to_the_ticked_people_with_a_place_or_waiting(organiser):
    event = make_event()
    ava, ben, not_ticked = (
        make_registration(event),
        make_registration(event, status=WAITING),
        (make_registration(event)),
    )
    gone = make_registration(event, status=RegistrationStatus.CANCELLED)
    chosen = _ids(ava, ben, gone)
    with pytest.raises(InvalidInput, match="subject"):
        bulk.run_bulk(event, BulkAction.MESSAGE, chosen, actor=organiser, now=NOW)
    result = bulk.run_bulk(
        event, BulkAction.MESSAGE, chosen, actor=organiser, now=NOW, subject="Hi", body="Bring ID"
    )
    db.session.commit()
    assert result.in_words() == "Your message is on its way to 2 people."
    sent_to = db.session.scalars(
        sa.select(OutboxMessage.registration_id).where(OutboxMessage.kind == "attendee_message")
    ).all()
    assert sorted(sent_to) == sorted(_ids(ava, ben))
    assert not_ticked.id not in sent_to
    (entry,) = _actions("event.messaged")
    assert entry.summary == "'Hi' to 2 (chosen)"


def test_people_of_another_event_or_nobody_refuse_the_whole_request(organiser):
    event, other = make_event(), make_event()
    ours, theirs = make_registration(event), make_registration(other)
    with pytest.raises(InvalidInput, match="not signed up for this event"):
        bulk.run_bulk(event, BulkAction.CHECK_IN, _ids(ours, theirs), actor=organiser, now=NOW)
    with pytest.raises(InvalidInput, match="not signed up for this event"):
        bulk.plan_bulk(event, BulkAction.CHECK_IN, [ours.id, 2**31 - 1], actor=organiser)
    with pytest.raises(InvalidInput, match="Select at least one person"):
        bulk.plan_bulk(event, BulkAction.CHECK_IN, [], actor=organiser)
    with pytest.raises(InvalidInput, match="or fewer"):
        bulk.plan_bulk(event, BulkAction.CHECK_IN, range(1, 502), actor=organiser)
    db.session.refresh(theirs)
    db.session.refresh(ours)
    assert theirs.checked_in_at is None and ours.checked_in_at is None


def test_nothing_to_do_is_refused_and_only_organisers_may(organiser):
    event = make_event()
    done = make_registration(event, checked_in_at=NOW)
    with pytest.raises(NotAllowed, match="nothing to do: 1 is already checked in"):
        bulk.run_bulk(event, BulkAction.CHECK_IN, [done.id], actor=organiser, now=NOW)
    door = make_user(Role.DOOR_STAFF, email="door@example.org")
    with pytest.raises(Forbidden):
        bulk.plan_bulk(event, BulkAction.CHECK_IN, [done.id], actor=door)
