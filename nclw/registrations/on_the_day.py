"""On the day: checking people in at the door and noting who did not come."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from nclw.accounts.models import User
from nclw.accounts.permissions import can_check_in
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Registration,
    RegistrationStatus,
)
from nclw.registrations.slot_waits import waited_times
from nclw.registrations.slots import held_times
from nclw.timezones import format_day, format_time, to_uk


def parse_reference(text: str) -> str | None:
    """The ticket reference in what was typed or scanned ('7k3q9p', a check-in link...)."""
    cleaned = (text or "").upper()
    match = re.search(r"NCLW[-\s]?([" + REFERENCE_ALPHABET + r"]{6})\b", cleaned)
    if match:
        return "NCLW-" + match.group(1)
    bare = re.sub(r"[\s-]", "", cleaned)
    if len(bare) == REFERENCE_LENGTH and all(ch in REFERENCE_ALPHABET for ch in bare):
        return "NCLW-" + bare
    return None


@dataclass(frozen=True)
class CheckIn:
    """A check-in the desk asked for: who, and whether they were already in."""

    registration: Registration
    already: bool = False

    @property
    def message(self) -> str:
        """What the desk shows: the same words whether it was typed, tapped or scanned."""
        who = f"{self.registration.reference} ({self.registration.first_name})"
        supporter = self.registration.supporter
        if supporter is not None:
            who = _(
                "%(person)s with their supporter, %(supporter)s,",
                person=who,
                supporter=supporter.name_and_role,
            )
        if self.already:
            return _(
                "%(person)s was already checked in at %(time)s.",
                person=who,
                time=format_time(self.registration.checked_in_at),
            )
        return _("%(person)s is checked in.", person=who)


# A phone's clock can run a little fast; a scan this far "ahead" still counts as now.
CLOCK_SKEW = timedelta(minutes=2)


def arrival_time(event: Event, scanned_at: datetime | None, *, now: datetime) -> datetime:
    """When the person arrived: the time a phone saw their ticket, if that is plausible.

    A check-in made while the desk had no connection reaches us late. The phone's time is
    kept when it is not in the future and not before the event's first day (UK days);
    otherwise (a wrong clock, or no time sent) it is now.
    """
    if scanned_at is None or scanned_at.tzinfo is None:
        return now
    first_day = to_uk(event.starts_at).replace(hour=0, minute=0, second=0, microsecond=0)
    if scanned_at > now + CLOCK_SKEW or scanned_at < first_day:
        return now
    return min(scanned_at, now)


def check_in(
    registration: Registration,
    *,
    actor: User,
    now: datetime,
    scanned_at: datetime | None = None,
) -> CheckIn:
    """Mark a confirmed ticket holder as arrived, if the actor may check people in at this
    event (organisers, or door staff given it).

    Checking in someone already in changes nothing and says so: a phone that lost its
    connection may send the same check-in again, and the person is in either way.
    """
    if not can_check_in(actor, registration.event):
        raise Forbidden(_("You cannot check people in at this event."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(
            _(
                "%(reference)s is not a confirmed ticket, so it cannot be checked in.",
                reference=registration.reference,
            )
        )
    if registration.checked_in_at is not None:
        return CheckIn(registration, already=True)
    registration.checked_in_at = arrival_time(registration.event, scanned_at, now=now)
    registration.no_show = False
    if registration.supporter is not None:
        # The supporter comes in alongside the young person they support.
        registration.supporter.checked_in_at = registration.checked_in_at
    record_action(
        AuditAction.REGISTRATION_CHECKED_IN,
        actor=actor,
        target=registration,
        summary=registration.audit_summary,
        now=now,
    )
    return CheckIn(registration)


def check_in_by_reference(
    event: Event,
    reference: str,
    *,
    actor: User,
    now: datetime,
    scanned_at: datetime | None = None,
) -> CheckIn:
    """Check in the ticket with this reference (typed or scanned) for this event."""
    # Asked before looking: someone who may not check in here learns nothing about tickets.
    if not can_check_in(actor, event):
        raise Forbidden(_("You cannot check people in at this event."))
    parsed = parse_reference(reference)
    if parsed is None:
        raise InvalidInput(_("Enter a ticket reference, like NCLW-7K3Q9P."))
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.reference == parsed
        )
    )
    if registration is None:
        elsewhere = db.session.scalar(
            sa.select(Registration).where(Registration.reference == parsed)
        )
        if elsewhere is not None:
            raise InvalidInput(
                _(
                    "This ticket is for \u201c%(title)s\u201d, not this event.",
                    title=elsewhere.event.title,
                )
            )
        raise InvalidInput(_("There is no ticket %(reference)s for this event.", reference=parsed))
    return check_in(registration, actor=actor, now=now, scanned_at=scanned_at)


def check_in_sent(
    event: Event,
    *,
    registration_id: int | None = None,
    reference: str | None = None,
    actor: User,
    now: datetime,
    scanned_at: datetime | None = None,
) -> CheckIn:
    """Check in someone the desk's script sent, perhaps late: tapped in the list (by id) or
    scanned (the ticket's text)."""
    if registration_id is None:
        return check_in_by_reference(
            event, reference or "", actor=actor, now=now, scanned_at=scanned_at
        )
    if not can_check_in(actor, event):
        raise Forbidden(_("You cannot check people in at this event."))
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise InvalidInput(_("This person has no ticket for this event."))
    return check_in(registration, actor=actor, now=now, scanned_at=scanned_at)


def mark_no_show(
    registration: Registration, *, actor: User | None, now: datetime, no_show: bool = True
) -> Registration:
    """Record that a ticket holder did not come (or undo that)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(_("Only a confirmed ticket can be marked as a no-show."))
    if no_show and registration.checked_in_at is not None:
        raise NotAllowed(
            _("%(reference)s checked in, so they came.", reference=registration.reference)
        )
    registration.no_show = no_show
    record_action(
        AuditAction.REGISTRATION_MARKED_NO_SHOW
        if no_show
        else AuditAction.REGISTRATION_NO_SHOW_UNDONE,
        actor=actor,
        target=registration,
        summary=registration.audit_summary,
        now=now,
    )
    return registration


@dataclass(frozen=True)
class DeskSearch:
    """What the desk found for a name or a reference."""

    people: list[Registration]
    # A reference from another event's ticket: which event it is for.
    other_event: str | None = None
    # The time each person found holds, at an event split into times (slots.held_times).
    times: dict[int, str] = field(default_factory=dict)
    # And the time each one on a time's own waiting list waits for (slot_waits.waited_times).
    waits: dict[int, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """How many were found, in words (read out as the desk's search results change)."""
        if self.other_event:
            return _("A ticket for another event.")
        if not self.people:
            return _("Nobody found.")
        return ngettext("%(num)d person found.", "%(num)d people found.", len(self.people))


DESK_RESULTS = 20


def find_at_the_desk(event: Event, text: str, *, actor: User) -> DeskSearch:
    """People at this event by first name (any part, any case) or by ticket reference.

    Young people rarely know their reference, so a name is enough; cancelled tickets are
    left out. A reference from another event's ticket says which event it is for.
    """
    if not can_check_in(actor, event):
        raise Forbidden(_("You cannot check people in at this event."))
    text = " ".join((text or "").split())[:80]
    if not text:
        return DeskSearch(people=[])
    reference = parse_reference(text)
    if reference is not None:
        found = db.session.scalar(
            sa.select(Registration).where(Registration.reference == reference)
        )
        if found is None:
            return DeskSearch(people=[])
        if found.event_id != event.id:
            return DeskSearch(people=[], other_event=found.event.title)
        return found_at_the_desk(event, [found])
    like = "%" + text.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    people = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
            sa.func.lower(Registration.first_name).like(like),
        )
        .order_by(Registration.first_name, Registration.reference)
        .limit(DESK_RESULTS)
    )
    return found_at_the_desk(event, list(people))


def found_at_the_desk(event: Event, people: list[Registration]) -> DeskSearch:
    """These people as the desk shows them: at an event split into times, when each is due,
    or which time each waits for (in two queries, whatever the number of people)."""
    return DeskSearch(
        people=people,
        times=held_times(event, people),
        waits=waited_times(event, [person for person in people if person.is_waiting]),
    )


def undo_check_in(registration: Registration, *, actor: User, now: datetime) -> Registration:
    """Take back a check-in made by mistake (the wrong Sam)."""
    if not can_check_in(actor, registration.event):
        raise Forbidden(_("You cannot check people in at this event."))
    if registration.checked_in_at is None:
        raise NotAllowed(_("%(reference)s is not checked in.", reference=registration.reference))
    registration.checked_in_at = None
    if registration.supporter is not None:
        registration.supporter.checked_in_at = None
    record_action(
        AuditAction.REGISTRATION_CHECK_IN_UNDONE,
        actor=actor,
        target=registration,
        summary=registration.audit_summary,
        now=now,
    )
    return registration


def not_today_warning(event: Event, *, now: datetime) -> str | None:
    """A warning when the desk is open on a day the event is not on (UK days)."""
    today = to_uk(now).date()
    first, last = to_uk(event.starts_at).date(), to_uk(event.ends_at).date()
    if first <= today <= last:
        return None
    day = format_day(event.starts_at)
    if last < today:
        return _(
            "This event was on %(day)s, not today. Check people in only when they arrive.",
            day=day,
        )
    return _("This event is on %(day)s, not today. Check people in only when they arrive.", day=day)
