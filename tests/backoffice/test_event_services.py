"""The event management rules, called directly with a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.events import services
from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import event_changes
from nclw.registrations.models import Registration, RegistrationStatus
from tests.factories import make_edition, make_event, make_organisation, make_registration

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _outbox(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _details(**overrides):
    starts = NOW + timedelta(days=20)
    values = {
        "title": "Careers fair",
        "summary": "Meet employers.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "format": "in_person",
        "venue_name": "Town Hall",
        "capacity": 30,
        "audience": "everyone",
        "host_id": make_organisation().id,
        "edition_id": make_edition().id,
    }
    values.update(overrides)
    return values


def test_create_event_makes_a_draft_with_a_unique_slug(app, week):
    first = services.create_event(_details(), actor=week.organiser, now=NOW)
    second = services.create_event(_details(), actor=week.organiser, now=NOW)
    assert first.status == EventStatus.DRAFT
    assert (first.slug, second.slug) == ("careers-fair", "careers-fair-2")
    assert _actions().count("event.created") == 2


def test_create_event_refuses_an_end_before_the_start(app, week):
    with pytest.raises(InvalidInput, match="end after it starts"):
        services.create_event(_details(ends_at=NOW), actor=week.organiser, now=NOW)


def test_moving_a_published_event_tells_everyone_signed_up(app, week):
    event = week.event
    before = event.sequence
    cancelled = make_registration(event, status=RegistrationStatus.CANCELLED)
    new_start = event.starts_at + timedelta(hours=1)
    changes = {"starts_at": new_start, "ends_at": new_start + timedelta(hours=1)}
    assert event_changes.attendees_to_notify(event, changes) == 2
    notified = event_changes.update_event(event, changes, actor=week.organiser, now=NOW)
    db.session.commit()
    assert notified == 2
    assert event.sequence == before + 1
    told = {m.registration_id for m in _outbox("event_changed")}
    assert told == {week.confirmed.id, week.waiting.id}
    assert cancelled.id not in told
    confirmed_mail = next(
        m for m in _outbox("event_changed") if m.registration_id == week.confirmed.id
    )
    assert confirmed_mail.ical_method == "REQUEST"
    assert (
        f"SEQUENCE:{event.sequence + week.confirmed.calendar_sequence}" in confirmed_mail.ical_body
    )
    assert "event.updated" in _actions()


def test_a_change_of_words_only_tells_nobody(app, week):
    changes = {"summary": "New words."}
    assert event_changes.attendees_to_notify(week.event, changes) == 0
    assert event_changes.update_event(week.event, changes, actor=week.organiser, now=NOW) == 0
    assert _outbox("event_changed") == []


def test_moving_a_draft_tells_nobody(app, week):
    event = make_event(status=EventStatus.DRAFT)
    changes = {"venue_name": "Elsewhere"}
    assert event_changes.update_event(event, changes, actor=week.organiser, now=NOW) == 0
    assert event.sequence == 0


def test_raising_capacity_promotes_the_waiting_list_in_order(app, week):
    event = week.event
    later = make_registration(event, status=RegistrationStatus.WAITING)
    event_changes.update_event(event, {"capacity": 2}, actor=week.organiser, now=NOW)
    db.session.commit()
    db.session.refresh(week.waiting)
    db.session.refresh(later)
    assert week.waiting.status == RegistrationStatus.CONFIRMED
    assert later.status == RegistrationStatus.WAITING
    assert event.confirmed_count == 2


def test_capacity_cannot_go_below_the_tickets_given(app, week):
    event_changes.update_event(week.event, {"capacity": 2}, actor=week.organiser, now=NOW)
    db.session.refresh(week.event)
    assert week.event.confirmed_count == 2  # the waiting person was given the new place
    with pytest.raises(InvalidInput, match="already have tickets"):
        event_changes.update_event(week.event, {"capacity": 1}, actor=week.organiser, now=NOW)


def test_unknown_fields_are_refused(app, week):
    with pytest.raises(InvalidInput):
        event_changes.update_event(
            week.event, {"confirmed_count": 0}, actor=week.organiser, now=NOW
        )


def test_publish_and_unpublish(app, week):
    event = make_event(status=EventStatus.DRAFT, starts_at=NOW + timedelta(days=3))
    services.publish_event(event, actor=week.organiser, now=NOW)
    assert event.status == EventStatus.PUBLISHED
    with pytest.raises(NotAllowed):
        services.publish_event(event, actor=week.organiser, now=NOW)
    event_changes.unpublish_event(event, actor=week.organiser, now=NOW)
    assert event.status == EventStatus.DRAFT
    assert _actions()[-2:] == ["event.published", "event.unpublished"]


def test_an_event_with_people_signed_up_cannot_be_unpublished(app, week):
    with pytest.raises(NotAllowed, match="2 people are signed up"):
        event_changes.unpublish_event(week.event, actor=week.organiser, now=NOW)


def test_an_event_in_the_past_cannot_be_published(app, week):
    event = make_event(status=EventStatus.DRAFT, starts_at=NOW - timedelta(days=3))
    with pytest.raises(InvalidInput):
        services.publish_event(event, actor=week.organiser, now=NOW)


def test_cancel_event_tells_everyone_and_cancels_their_tickets(app, week):
    event = week.event
    told = event_changes.cancel_event(event, "The venue flooded.", actor=week.organiser, now=NOW)
    db.session.commit()
    assert told == 2
    assert event.status == EventStatus.CANCELLED
    assert event.confirmed_count == 0
    assert event.cancel_reason == "The venue flooded."
    for registration in (week.confirmed, week.waiting):
        db.session.refresh(registration)
        assert registration.status == RegistrationStatus.CANCELLED
    mails = _outbox("event_cancelled")
    assert {m.registration_id for m in mails} == {week.confirmed.id, week.waiting.id}
    assert all("The venue flooded." in m.text_body for m in mails)
    ticket_mail = next(m for m in mails if m.registration_id == week.confirmed.id)
    assert ticket_mail.ical_method == "CANCEL"
    assert "event.cancelled" in _actions()
    with pytest.raises(NotAllowed):
        event_changes.cancel_event(event, "Again", actor=week.organiser, now=NOW)


def test_cancel_event_needs_a_reason(app, week):
    with pytest.raises(InvalidInput):
        event_changes.cancel_event(week.event, "  ", actor=week.organiser, now=NOW)


def test_duplicate_event_is_an_empty_draft(app, week):
    copy = services.duplicate_event(week.event, actor=week.organiser, now=NOW)
    assert copy.id != week.event.id
    assert copy.status == EventStatus.DRAFT
    assert copy.confirmed_count == 0
    assert copy.title == f"{week.event.title} (copy)"
    assert (copy.starts_at, copy.venue_name, copy.capacity) == (
        week.event.starts_at,
        week.event.venue_name,
        week.event.capacity,
    )
    copied = sa.select(sa.func.count(Registration.id)).where(Registration.event_id == copy.id)
    assert db.session.scalar(copied) == 0


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (EventStatus.DRAFT, ["edit", "publish", "duplicate", "cancel"]),
        (EventStatus.PUBLISHED, ["edit", "unpublish", "duplicate", "cancel"]),
        (EventStatus.CANCELLED, ["duplicate"]),
    ],
)
def test_the_event_page_offers_what_the_state_allows(app, status, offered):
    event = make_event(status=status)
    assert [action.name for action in services.event_actions(event)] == offered


def test_every_action_offered_is_one_the_services_accept(app, week):
    """Publishing a draft and unpublishing a published event work when offered."""
    draft = make_event(status=EventStatus.DRAFT, starts_at=NOW + timedelta(days=3))
    assert "publish" in [a.name for a in services.event_actions(draft)]
    services.publish_event(draft, actor=week.organiser, now=NOW)
    assert "unpublish" in [a.name for a in services.event_actions(draft)]
    event_changes.unpublish_event(draft, actor=week.organiser, now=NOW)
    assert draft.status == EventStatus.DRAFT
