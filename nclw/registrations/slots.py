"""The rules of time slots: which slot a ticket holds, and how slot places are taken.

A slot's place is taken like the event's own place: one guarded UPDATE on the slot's row,
in the same transaction as the event's place, so no slot is ever double-booked. A
supporter takes a place in the young person's slot too, as in the event. A slotted
event's capacity is the sum of its slots' places, so a free event place means a free slot.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_models import EventSlot, SlotBooking, SlotWait
from nclw.registrations.supporter_models import places_for
from nclw.timezones import format_duration, to_uk

SLOT_GONE = _l("That time has just been taken. Please choose another time.")
NO_ROOM_FOR_TWO = _l(
    "That time has no room for you and your supporter together. Please choose another time."
)

_SLOTS = EventSlot.__table__
_TAKE_SLOT = (
    sa.update(_SLOTS)
    .where(
        _SLOTS.c.id == sa.bindparam("b_slot_id"),
        _SLOTS.c.event_id == sa.bindparam("b_event_id"),
        _SLOTS.c.confirmed_count + sa.bindparam("b_places") <= _SLOTS.c.capacity,
    )
    .values(confirmed_count=_SLOTS.c.confirmed_count + sa.bindparam("b_places"))
)


# Everything the sign-up form shows of an event's times, read for its stamp (see
# registrations.views.register): a time moved, added, removed or filled changes the form.
SLOTS_STAMP = "SELECT * FROM event_slots WHERE event_id = :event_id ORDER BY id"
# What an event's own page shows of its slots (how long each is): part of that page's stamp.
SLOT_TIMES_STAMP = (
    "SELECT starts_at, ends_at FROM event_slots WHERE event_id = :event_id ORDER BY id"
)


@functools.cache
def _slots_of_event() -> sa.Select:
    # Built once, on first use (the mappers must be configured first): a sign-up reads the
    # slots twice (the form's choices, the service's check), and building the query cost
    # more than running it.
    return (
        sa.select(EventSlot)
        .where(EventSlot.event_id == sa.bindparam("event_id"))
        .order_by(EventSlot.starts_at, EventSlot.id)
        # Counts change by guarded UPDATEs: read them afresh, never from the session.
        .execution_options(populate_existing=True)
    )


def event_slots(event_id: int) -> list[EventSlot]:
    """An event's slots, earliest first (empty for an event without slots)."""
    return list(db.session.scalars(_slots_of_event(), {"event_id": event_id}))


def has_slots_clause(event_id) -> sa.Exists:
    """Whether the event `event_id` (a value, or a column of a larger query) has slots."""
    return sa.exists().where(EventSlot.event_id == event_id)


@functools.cache
def _has_slots() -> sa.Select:
    # Built once: every sign-up for an event without slots asks (see check_choice).
    return sa.select(has_slots_clause(sa.bindparam("event_id")))


def has_slots(event_id: int) -> bool:
    return bool(db.session.scalar(_has_slots(), {"event_id": event_id}))


def how_long(event: Event) -> str:
    """How long a person is there: the event's length or, at an event split into slots, the
    length of one slot ("20 minutes, at a time you choose"), not the whole day's."""
    lengths = sorted({slot.ends_at - slot.starts_at for slot in event_slots(event.id)})
    if not lengths:
        return format_duration(event.starts_at, event.ends_at)
    shortest, longest = (
        format_duration(event.starts_at, event.starts_at + length)
        for length in (lengths[0], lengths[-1])
    )
    if shortest == longest:
        return _("%(length)s, at a time you choose when you sign up", length=shortest)
    return _(
        "%(shortest)s to %(longest)s, at a time you choose when you sign up",
        shortest=shortest,
        longest=longest,
    )


def one_day_of(some_slots: Sequence[EventSlot]) -> datetime | None:
    """When all these slots are on one UK day, the first one's start (to name the day by);
    None when they are on more than one (or there are none). A list of slots names that day
    once, above them, where it can."""
    if len({to_uk(slot.starts_at).date() for slot in some_slots}) != 1:
        return None
    return min(slot.starts_at for slot in some_slots)


def day_of_one_day_event(event: Event) -> datetime | None:
    """The event's start when it is all on one UK day (so are its slots), else None: lists
    of its tickets' times that do not name a day themselves may then give times alone."""
    return event.starts_at if to_uk(event.starts_at).date() == to_uk(event.ends_at).date() else None


def slot_words(slot: EventSlot, day: datetime | None) -> str:
    """A slot in a list of them: its times where the list names its `day` (one_day_of), else
    its day and times."""
    return slot.times if day is not None else slot.when


def free_slots(event_id: int) -> list[EventSlot]:
    """The slots a person can still choose."""
    return [slot for slot in event_slots(event_id) if not slot.is_full]


def slot_of(registration: Registration) -> EventSlot | None:
    """The slot a ticket holds, if it holds one."""
    return db.session.scalar(
        sa.select(EventSlot)
        .join(SlotBooking, SlotBooking.slot_id == EventSlot.id)
        .where(SlotBooking.registration_id == registration.id)
    )


def ticket_times(registration: Registration) -> tuple[datetime, datetime]:
    """When a ticket's holder is expected: their slot's times (or the times they wait for,
    where each time has its own waiting list), or else the event's."""
    event = registration.event
    if event.has_slots is False:
        # Found so by the statement that loaded it, moments ago (the mail sender asks for a
        # batch of emails at once, and writes them straight after): no slot to look for.
        return event.starts_at, event.ends_at
    slot = slot_of(registration) or slot_waited_for(registration)
    if slot is not None:
        return slot.starts_at, slot.ends_at
    return event.starts_at, event.ends_at


def slot_waited_for(registration: Registration) -> EventSlot | None:
    """The time a person on the waiting list waits for, where each time has its own list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    return db.session.scalar(
        sa.select(EventSlot)
        .join(SlotWait, SlotWait.slot_id == EventSlot.id)
        .where(SlotWait.registration_id == registration.id)
    )


def held_times(event: Event, tickets: Sequence[Registration] | None = None) -> dict[int, str]:
    """The time each ticket at `event` holds (or each of `tickets`), in words, by ticket id; a
    ticket with no slot is not in it. One query, whatever the number of tickets."""
    if tickets is None:
        which = EventSlot.event_id == event.id
    elif not tickets:
        return {}
    else:
        which = SlotBooking.registration_id.in_([ticket.id for ticket in tickets])
    rows = db.session.execute(
        sa.select(SlotBooking.registration_id, EventSlot)
        .join(EventSlot, SlotBooking.slot_id == EventSlot.id)
        .where(which)
    )
    return times_in_words(event, rows)


def times_in_words(event: Event, slot_of_ticket: Iterable[tuple[int, EventSlot]]) -> dict[int, str]:
    """(ticket id, slot) pairs as {ticket id: words}, for a list of tickets: times alone where
    the event is on one day, else each with its day."""
    day = day_of_one_day_event(event)
    return {registration_id: slot_words(slot, day) for registration_id, slot in slot_of_ticket}


def check_choice(event: Event, slot_id: int | None) -> None:
    """Refuse a sign-up for a slotted event that chose no time while times are free, and a
    slot that is not this event's. With every slot full, the person joins the waiting list."""
    if slot_id is None and not has_slots(event.id):
        return  # most events: asking whether there are any costs less than reading them
    slots = event_slots(event.id)
    if not slots:
        if slot_id is not None:
            raise InvalidInput(_("This event has no times to choose from."))
        return
    if slot_id is None:
        if any(not slot.is_full for slot in slots):
            raise InvalidInput(_("Choose a time."))
        return
    if slot_id not in {slot.id for slot in slots}:
        raise InvalidInput(_("Choose one of the times listed."))


def take_slot(slot_id: int, event_id: int, places: int = 1) -> bool:
    """Claim one place in a slot (two, for a young person and their supporter: both or
    neither), atomically; False when they are not free (or the slot is not this event's)."""
    values = {"b_slot_id": slot_id, "b_event_id": event_id, "b_places": places}
    return db.session.execute(_TAKE_SLOT, values).rowcount == 1


def _give_back(slot_id: int, places: int = 1) -> None:
    db.session.execute(
        sa.update(_SLOTS)
        .where(_SLOTS.c.id == slot_id, _SLOTS.c.confirmed_count >= places)
        .values(confirmed_count=_SLOTS.c.confirmed_count - places)
    )


def take_slot_place_with(registration: Registration) -> bool:
    """One more place in the slot a ticket holds (for a supporter added later); True when
    the ticket has no slot."""
    booking = db.session.get(SlotBooking, registration.id)
    return booking is None or take_slot(booking.slot_id, registration.event_id)


def give_back_slot_place_of(registration: Registration) -> None:
    """Give back one place in the slot a ticket holds (a supporter taken off it)."""
    booking = db.session.get(SlotBooking, registration.id)
    if booking is not None:
        _give_back(booking.slot_id)


def book(registration_id: int, slot_id: int) -> None:
    """Note the slot a ticket took (its place in the slot is already taken)."""
    db.session.execute(
        sa.insert(SlotBooking.__table__).values(registration_id=registration_id, slot_id=slot_id)
    )


def give_back_slot(registration: Registration) -> None:
    """Free the slot a ticket held, when it gives back its place."""
    booking = db.session.get(SlotBooking, registration.id)
    if booking is None:
        return
    _give_back(booking.slot_id, places_for(registration))
    db.session.delete(booking)
    db.session.flush()


def give_first_free_slot(registration: Registration) -> bool:
    """Give someone coming off the waiting list the earliest free slot. True when they have
    one, or when the event has no slots; False when every slot is full."""
    slots = event_slots(registration.event_id)
    if not slots:
        return True
    for slot in slots:
        if take_slot(slot.id, registration.event_id, places_for(registration)):
            book(registration.id, slot.id)
            db.session.expire(slot)
            return True
    return False


def change_slot(registration: Registration, slot_id: int, *, now: datetime) -> EventSlot:
    """Move a ticket to another free slot: the new place is taken before the old one is given
    back, so the person never loses their time unless the new one is theirs. Neither time may
    have begun."""
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    if not registration.holds_place:
        raise NotAllowed(_("Only a ticket with a place can change its time."))
    booking = db.session.get(SlotBooking, registration.id)
    if booking is None:
        raise NotAllowed(_("This ticket has no time to change."))
    if booking.slot_id == slot_id:
        raise InvalidInput(_("That is already your time. Choose a different one."))
    by_id = {slot.id: slot for slot in event_slots(registration.event_id)}
    if slot_id not in by_id:
        raise InvalidInput(_("Choose one of the times listed."))
    if by_id[booking.slot_id].starts_at <= now:
        raise NotAllowed(_("Your time has already begun, so it cannot be changed now."))
    if by_id[slot_id].starts_at <= now:
        raise NotAllowed(_("That time has already begun. Please choose a later one."))
    places = places_for(registration)
    if not take_slot(slot_id, registration.event_id, places):
        raise NotAllowed(str(SLOT_GONE))
    _give_back(booking.slot_id, places)
    booking.slot_id = slot_id
    registration.calendar_sequence += 1
    db.session.flush()
    slot = db.session.get_one(EventSlot, slot_id)
    db.session.refresh(slot)
    return slot
