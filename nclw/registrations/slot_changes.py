"""Organisers split an event into time slots, and change or remove a slot nobody holds."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.outbox import queue_ticket_email
from nclw.registrations import slot_messages, slot_waits, slots
from nclw.registrations.models import Registration
from nclw.registrations.slot_models import EventSlot
from nclw.registrations.waiting_list import promote_from_waiting_list

MAX_SLOTS = 100
SHORTEST_MINUTES = 5


def _check_within_event(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise InvalidInput(_("Slots must fit inside the event's own start and end times."))


def _check_shape(count: int, minutes: int, capacity: int) -> None:
    if not 1 <= count <= MAX_SLOTS:
        raise InvalidInput(_("Make between 1 and %(most)s slots.", most=MAX_SLOTS))
    if minutes < SHORTEST_MINUTES:
        raise InvalidInput(
            _("A slot must last at least %(least)s minutes.", least=SHORTEST_MINUTES)
        )
    if capacity < 1:
        raise InvalidInput(_("Each slot needs at least 1 place."))


def _match_capacity(event: Event, *, now: datetime) -> list[Registration]:
    """A slotted event has exactly as many places as its slots: set it, and give any new
    places to the waiting list (each person gets the earliest free slot)."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(EventSlot.capacity), 0)).where(
            EventSlot.event_id == event.id
        )
    )
    event.capacity = int(total) if total else None
    db.session.flush()
    return promote_from_waiting_list(event, now=now)


def make_slots(
    event: Event,
    *,
    first_starts_at: datetime,
    count: int,
    minutes: int,
    capacity: int = 1,
    now: datetime,
) -> list[EventSlot]:
    """Add `count` slots of `minutes` each, one after another from `first_starts_at`, each
    with `capacity` places; the event's capacity becomes the sum of its slots' places."""
    _check_shape(count, minutes, capacity)
    db.session.refresh(event, with_for_update=True)
    if not slots.has_slots(event.id) and event.confirmed_count > 0:
        raise NotAllowed(
            _(
                "People already have tickets without a time. Slots can only be added to an "
                "event before anyone has a place, or to one that already has slots."
            )
        )
    length = timedelta(minutes=minutes)
    last_ends_at = first_starts_at + length * count
    _check_within_event(event, first_starts_at, last_ends_at)
    made = [
        EventSlot(
            event_id=event.id,
            starts_at=first_starts_at + length * number,
            ends_at=first_starts_at + length * (number + 1),
            capacity=capacity,
        )
        for number in range(count)
    ]
    db.session.add_all(made)
    db.session.flush()
    _match_capacity(event, now=now)
    return made


def move_to_slot(registration: Registration, slot_id: int, *, now: datetime) -> EventSlot:
    """A person moves their ticket to another free time (see slots.change_slot: they keep
    their old time unless the new one is theirs), and gets an email with the new invite.
    Where each time has its own waiting list, the place left goes to the old time's list."""
    per_slot = slot_waits.waits_per_slot(registration.event)
    if per_slot:
        slot_waits.lock_places(registration.event_id)  # the event's row first, as everywhere
    slot = slots.change_slot(registration, slot_id, now=now)
    queue_ticket_email(slot_messages.time_changed(registration), registration)
    if per_slot:
        promote_from_waiting_list(registration.event, now=now)
    return slot


def _unbooked(slot: EventSlot) -> Event:
    event = db.session.get_one(Event, slot.event_id)
    db.session.refresh(event, with_for_update=True)
    db.session.refresh(slot, with_for_update=True)
    if slot.confirmed_count > 0:
        raise NotAllowed(_("Someone has this slot. Only a slot nobody holds can be changed."))
    if slot_waits.anyone_waits_for(slot):
        raise NotAllowed(_("People are waiting for this slot, so it cannot be changed."))
    return event


def edit_slot(
    slot: EventSlot, *, starts_at: datetime, minutes: int, capacity: int, now: datetime
) -> EventSlot:
    """Move, lengthen or resize one slot, while nobody holds it."""
    _check_shape(1, minutes, capacity)
    event = _unbooked(slot)
    ends_at = starts_at + timedelta(minutes=minutes)
    _check_within_event(event, starts_at, ends_at)
    slot.starts_at, slot.ends_at, slot.capacity = starts_at, ends_at, capacity
    db.session.flush()
    _match_capacity(event, now=now)
    return slot


def remove_slot(slot: EventSlot, *, now: datetime) -> None:
    """Delete one slot, while nobody holds it; the event loses its places."""
    event = _unbooked(slot)
    db.session.delete(slot)
    db.session.flush()
    _match_capacity(event, now=now)
