"""Bringing a supporter: adding one to a ticket later, taking them off, and counting them.

A supporter holds a place of their own, counted in the event's capacity, and is tied to
one young person's ticket: they wait, are offered a place, confirmed and cancelled with it
(`services.register` takes the pair's two places together, `waiting_list.release_place` gives
both back). Here are the changes a young person makes on their ticket page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from nclw.audit.actions import AuditAction
from nclw.errors import NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.places import give_back_places, take_places
from nclw.registrations.sign_up_details import SupporterDetails, check_supporter
from nclw.registrations.supporter_models import Supporter
from nclw.registrations.ticket_audit import record_ticket_action
from nclw.registrations.waiting_list import promote_from_waiting_list
from nclw.timezones import format_time

NO_PLACE_FOR_SUPPORTER = _l(
    "There is no free place for a supporter just now. "
    "If someone cancels, you can try again from this page."
)


def can_add_supporter(registration: Registration) -> bool:
    """The ticket may still take a supporter: the event allows them, and it has none."""
    return (
        registration.event.supporters_allowed
        and registration.supporter is None
        and not registration.is_cancelled
        and registration.anonymised_at is None
    )


def can_remove_supporter(registration: Registration) -> bool:
    """The ticket has a supporter its holder may still take off: it is not cancelled."""
    return registration.supporter is not None and not registration.is_cancelled


def add_supporter(
    registration: Registration, supporter: SupporterDetails, *, now: datetime
) -> Supporter:
    """Add a supporter to a ticket. A ticket holding a place takes one more place for them,
    if one is free; a ticket on the waiting list waits on as a pair."""
    check_supporter(registration.event, supporter)
    # Locked, so a cancellation or a second click cannot race the place taken here.
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    if not can_add_supporter(registration):
        raise NotAllowed(_("This ticket cannot take a supporter."))
    if registration.holds_place and not (
        take_places(registration.event_id) and slots.take_slot_place_with(registration)
    ):
        raise NotAllowed(str(NO_PLACE_FOR_SUPPORTER))  # the request's rollback undoes either
    waited = slots.slot_waited_for(registration)
    if waited is not None and waited.capacity < 2:
        raise NotAllowed(
            _(
                "The time you wait for has room for one person only, so a supporter cannot "
                "come to it with you."
            )
        )
    added = Supporter(
        registration=registration,
        first_name=supporter.first_name.strip(),
        role=supporter.role,
        created_at=now,
    )
    db.session.add(added)
    registration.calendar_sequence += 1
    registration.updated_at = now
    record_ticket_action(AuditAction.SUPPORTER_ADDED, registration, now=now)
    return added


def remove_supporter(registration: Registration, *, now: datetime) -> list[Registration]:
    """Take the supporter off a ticket; a place they held goes to the waiting list.

    Returns the people given a place from the waiting list.
    """
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    supporter = registration.supporter
    if supporter is None:
        raise NotAllowed(_("This ticket has no supporter."))
    held_place = registration.holds_place
    db.session.delete(supporter)
    registration.calendar_sequence += 1
    registration.updated_at = now
    db.session.flush()
    db.session.expire(registration, ["supporter"])
    record_ticket_action(AuditAction.SUPPORTER_REMOVED, registration, now=now)
    if not held_place:
        # Waiting alone now, they may fit a single free place a pair could not use.
        return promote_from_waiting_list(registration.event, now=now)
    give_back_places(registration.event_id)
    slots.give_back_slot_place_of(registration)
    db.session.flush()
    return promote_from_waiting_list(registration.event, now=now)


def forget_supporter_names(registration_ids) -> None:
    """Remove supporters' first names with the young people's details (their role stays)."""
    db.session.execute(
        sa.update(Supporter)
        .where(Supporter.registration_id.in_(registration_ids))
        .values(first_name=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class PlacesTaken:
    """Places held at an event, split into the young people and their supporters."""

    people: int
    supporters: int

    @property
    def total(self) -> int:
        return self.people + self.supporters

    @property
    def words(self) -> str:
        """'12 places taken: 10 people, 2 supporters'."""
        total = ngettext("%(num)d place taken", "%(num)d places taken", self.total)
        if not self.supporters:
            return total
        people = ngettext("%(num)d person", "%(num)d people", self.people)
        supporters = ngettext("%(num)d supporter", "%(num)d supporters", self.supporters)
        # Translators: "12 places taken: 10 people, 2 supporters".
        return _(
            "%(total)s: %(people)s, %(supporters)s",
            total=total,
            people=people,
            supporters=supporters,
        )


_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


def places_taken(event: Event) -> PlacesTaken:
    """How many places the event's tickets and open offers hold, people and supporters apart."""
    people, supporters = db.session.execute(
        sa.select(sa.func.count(Registration.id), sa.func.count(Supporter.id))
        .select_from(Registration)
        .outerjoin(Supporter, Supporter.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status.in_(_HOLDING))
    ).one()
    return PlacesTaken(people, supporters)


def supporter_words(supporter: Supporter) -> str:
    """How organisers read a supporter: 'Jo (carer), a place of their own, checked in 10:05'."""
    if supporter.checked_in_at is not None:
        return _(
            "%(supporter)s, with a place of their own, checked in %(time)s",
            supporter=supporter.name_and_role,
            time=format_time(supporter.checked_in_at),
        )
    return _("%(supporter)s, with a place of their own", supporter=supporter.name_and_role)
