"""The waiting list: who moves up when a place frees, and how a freed place is passed on.

Places are taken and given back with the guarded UPDATEs in `places`, so a promotion can
never overbook; the next person is picked under a row lock, first come first served.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.details import check_places
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.outbox import queue_ticket_email
from nclw.registrations import messages, offers, slot_waits, slots
from nclw.registrations.models import Registration, RegistrationStatus, ReleaseRoute
from nclw.registrations.places import give_back_places as _give_back_place
from nclw.registrations.places import take_places as _take_place
from nclw.registrations.queries import first_waiting
from nclw.registrations.supporter_models import places_for


def _confirm(registration: Registration, *, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.waiting_since = None
    registration.calendar_sequence += 1
    queue_ticket_email(messages.promoted_from_waiting_list(registration), registration)


def _confirm_or_offer(candidate: Registration, deadline: datetime | None, *, now: datetime) -> None:
    if deadline is None:
        _confirm(candidate, now=now)
    else:
        offers.make_offer(candidate, deadline, now=now)


def promote_from_waiting_list(event: Event, *, now: datetime) -> list[Registration]:
    """Fill every free place from the waiting list, first come first served: confirmed
    outright, or offered until a deadline when the event's offers expire (see offers).

    A young person waiting with a supporter moves only when two places are free together.
    When just one is free, it goes to the next single person behind them rather than stay
    empty; the pair keeps its turn, so the next time two places are free at once, they go
    to the pair before anyone behind it. Where each time has its own waiting list
    (slot_waits), the same holds for each time, and a place goes only to its own list.
    """
    deadline = offers.deadline_for(event, now=now)
    if slot_waits.waits_per_slot(event):
        return _promote_for_each_slot(event, deadline, now=now)
    promoted: list[Registration] = []
    passed_over: set[int] = set()  # pairs for whom two places are not free just now
    while True:
        candidate = first_waiting(Registration.event_id == event.id, passed_over=passed_over)
        if candidate is None:
            break
        places = places_for(candidate)
        if not _take_place(event.id, places):
            if places == 1:
                break
            passed_over.add(candidate.id)
            continue
        if not slots.give_first_free_slot(candidate):
            _give_back_place(event.id, places)
            break
        _confirm_or_offer(candidate, deadline, now=now)
        promoted.append(candidate)
    return promoted


def _promote_for_each_slot(
    event: Event, deadline: datetime | None, *, now: datetime
) -> list[Registration]:
    """Give each time's free places to the people waiting for that time, in order."""
    promoted: list[Registration] = []
    for slot in slots.event_slots(event.id):
        if slot.is_full:
            continue
        passed_over: set[int] = set()  # pairs for whom two places in this time are not free
        while (candidate := slot_waits.next_waiting(slot.id, passed_over)) is not None:
            places = places_for(candidate)
            # The event's place, then the time's: both or neither, as at sign-up.
            if _take_place(event.id, places):
                if slots.take_slot(slot.id, event.id, places):
                    slot_waits.end_wait(candidate.id)
                    slots.book(candidate.id, slot.id)
                    _confirm_or_offer(candidate, deadline, now=now)
                    promoted.append(candidate)
                    continue
                _give_back_place(event.id, places)
            if places == 1:
                break
            passed_over.add(candidate.id)
    return promoted


def _give_a_slot(registration: Registration) -> None:
    """A person an organiser moves up gets the time they wait for, or else the first free."""
    waited = slots.slot_waited_for(registration)
    if waited is None:
        if not slots.give_first_free_slot(registration):
            raise NotAllowed(_("There are no free times. Add a time first."))
        return
    if not slots.take_slot(waited.id, registration.event_id, places_for(registration)):
        raise NotAllowed(
            _(
                "The time they wait for, %(times)s, is full. They can have a place in it "
                "when someone with that time cancels.",
                times=waited.times,
            )
        )
    slot_waits.end_wait(registration.id)
    slots.book(registration.id, waited.id)


def release_place(
    registration: Registration, via: ReleaseRoute | None, *, now: datetime
) -> list[Registration]:
    """Give back the place `registration` held and pass it to the waiting list, noting the
    route it came back by and whether someone waiting took it; returns who it went to."""
    registration.released_via = via
    places = places_for(registration)
    _give_back_place(registration.event_id, places)
    slots.give_back_slot(registration)
    if places == 2:
        # The supporter's place goes with the ticket's: the organisers see both go.
        record_action(
            AuditAction.SUPPORTER_RELEASED,
            actor=None,
            target=registration,
            summary=registration.audit_summary,
            now=now,
        )
    db.session.flush()
    promoted = promote_from_waiting_list(registration.event, now=now)
    registration.place_taken_again = bool(promoted)
    return promoted


def promote_registration(
    registration: Registration, *, actor: User | None, now: datetime
) -> Registration:
    """Move one chosen person off the waiting list, if a place is free."""
    if registration.status != RegistrationStatus.WAITING:
        raise NotAllowed(_("Only someone on the waiting list can be given a place."))
    if not _take_place(registration.event_id, places_for(registration)):
        raise NotAllowed(
            _(
                "There are not enough free places for them and their supporter. "
                "Raise the capacity first."
            )
            if registration.supporter is not None
            else _("There are no free places. Raise the capacity first.")
        )
    _give_a_slot(registration)
    _confirm(registration, now=now)
    record_action(
        AuditAction.REGISTRATION_PROMOTED,
        actor=actor,
        target=registration,
        summary=registration.audit_summary,
        now=now,
    )
    return registration


def change_capacity(event: Event, capacity: int | None, *, now: datetime) -> list[Registration]:
    """Set a new capacity; raising it gives places to the waiting list in order.

    The number itself is checked by the event's rules (`events.details.check_places`); who
    changed it is recorded by the edit that asked for it (`event_changes.update_event`).
    """
    check_places(capacity)
    db.session.refresh(event, with_for_update=True)
    if capacity is not None and capacity < event.confirmed_count:
        raise InvalidInput(
            ngettext(
                "%(num)d person already has a ticket. Capacity cannot be lower than that.",
                "%(num)d people already have tickets. Capacity cannot be lower than that.",
                event.confirmed_count,
            )
        )
    event.capacity = capacity
    db.session.flush()
    return promote_from_waiting_list(event, now=now)
