"""A waiting list for each time slot: people wait for the time they chose.

Organisers choose, for each event split into times (`Event.waiting_list_per_slot`), how
people wait when times are full:

- one waiting list for the event (the default): a freed place goes to whoever is next, with
  the first free time (`slots.give_first_free_slot`);
- a waiting list for each time: a person chooses a full time to wait for, and a place freed
  in that time goes to the next person waiting for it, never to someone waiting for another.

A waiting ticket remembers its time in a `SlotWait`; once it holds a place, its `SlotBooking`
says which time it holds. The choice can be changed only while nobody is waiting: one list
cannot be split fairly into many, nor many merged into one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.registrations import slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.queries import first_waiting
from nclw.registrations.slot_models import EventSlot, SlotWait

ONE_LIST = "event"
LIST_PER_TIME = "slot"
# The organiser's two choices, in the words the slots page shows.
CHOICES = (
    (ONE_LIST, _l("One waiting list for the event: the first free time goes to whoever is next")),
    (LIST_PER_TIME, _l("A waiting list for each time: people wait for the time they chose")),
)
TOO_SMALL_FOR_TWO = _l(
    "That time has room for one person only, so you and your supporter cannot wait for it. "
    "Please choose another time."
)


def waits_per_slot(event: Event) -> bool:
    """People wait for a time of their own choosing (the event has times, and lists for each)."""
    return event.waiting_list_per_slot and slots.has_slots(event.id)


def check_choice(event: Event, slot_id: int | None, *, wait: bool, with_supporter: bool) -> None:
    """Refuse a time a sign-up may not choose. With a list for each time, a person must choose
    a time, free or full; a full time is one to wait for."""
    if not event.waiting_list_per_slot or not slots.has_slots(event.id):
        if wait:
            raise InvalidInput(_("Choose one of the free times."))
        slots.check_choice(event, slot_id)
        return
    if slot_id is None:
        raise InvalidInput(_("Choose a time."))
    chosen = {slot.id: slot for slot in slots.event_slots(event.id)}.get(slot_id)
    if chosen is None:
        raise InvalidInput(_("Choose one of the times listed."))
    if wait and with_supporter and chosen.capacity < 2:
        raise InvalidInput(str(TOO_SMALL_FOR_TWO))


def lock_places(event_id: int) -> None:
    """Wait for anyone taking or giving back the event's places to finish, before deciding
    whether a person waits for a time.

    A guarded UPDATE that finds no room does not wait for a place being given back at that
    moment; this does, so nobody joins a time's list just as its freed place goes unclaimed
    (every change of places locks the event's row first; SQLite lets one writer in at a
    time, and ignores FOR UPDATE).
    """
    db.session.execute(sa.select(Event.id).where(Event.id == event_id).with_for_update())


def note_wait(registration_id: int, slot_id: int) -> None:
    """Remember the time a ticket now on the waiting list waits for."""
    db.session.execute(
        sa.insert(SlotWait.__table__).values(registration_id=registration_id, slot_id=slot_id)
    )


def end_wait(registration_id: int) -> None:
    """Forget the time a ticket waited for, once it holds a place in it."""
    db.session.execute(sa.delete(SlotWait).where(SlotWait.registration_id == registration_id))


def next_waiting(slot_id: int, passed_over: Collection[int] = ()) -> Registration | None:
    """The next person waiting for this time, first come first served (locked)."""
    return first_waiting(
        SlotWait.slot_id == slot_id, passed_over=passed_over, joins_slot_waits=True
    )


def waited_times(event: Event, people: Sequence[Registration] | None = None) -> dict[int, str]:
    """The time each person on an event's waiting list (or each of `people` who is on it)
    waits for, in words, for organisers' lists and the desk (as slots.held_times words the
    times tickets hold). One query, whatever the number of people."""
    if people is not None and not people:
        return {}
    which = (
        EventSlot.event_id == event.id
        if people is None
        else SlotWait.registration_id.in_([person.id for person in people])
    )
    rows = db.session.execute(
        sa.select(SlotWait.registration_id, EventSlot)
        .join(EventSlot, SlotWait.slot_id == EventSlot.id)
        .join(Registration, Registration.id == SlotWait.registration_id)
        .where(which, Registration.status == RegistrationStatus.WAITING)
    )
    return slots.times_in_words(event, rows)


def anyone_waits_for(slot: EventSlot) -> bool:
    """Someone is on this time's own waiting list."""
    return db.session.scalar(
        sa.select(
            sa.exists()
            .where(SlotWait.slot_id == slot.id)
            .where(SlotWait.registration_id == Registration.id)
            .where(Registration.status == RegistrationStatus.WAITING)
        )
    )


def choice_of(event: Event) -> str:
    """The organiser's choice, as the slots page's form shows it."""
    return LIST_PER_TIME if event.waiting_list_per_slot else ONE_LIST


def set_waiting_lists(event: Event, choice: str, *, actor: User | None, now: datetime) -> bool:
    """Choose one waiting list for the event or one for each time; True when it changed.

    Refused while anyone is on the event's waiting list: the people waiting joined the list
    the event had, and moving them to another kind would break their place in the queue.
    One guarded UPDATE decides, so nobody can join the old kind of list as it changes.
    """
    if choice not in (ONE_LIST, LIST_PER_TIME):
        raise InvalidInput(_("Choose how people wait when times are full."))
    per_slot = choice == LIST_PER_TIME
    if event.waiting_list_per_slot == per_slot:
        return False
    waiting = sa.exists().where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITING
    )
    if not guarded_update(Event, Event.id == event.id, ~waiting, waiting_list_per_slot=per_slot):
        raise NotAllowed(
            _(
                "People are on the waiting list, so how they wait cannot change now. "
                "It can change once nobody is waiting."
            )
        )
    db.session.refresh(event)
    record_action(
        AuditAction.EVENT_WAITING_LISTS_CHANGED,
        actor=actor,
        target=event,
        summary="a waiting list for each time" if per_slot else "one waiting list for the event",
        now=now,
    )
    return True
