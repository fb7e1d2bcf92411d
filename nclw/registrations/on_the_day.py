"""On the day: checking people in at the door and noting who did not come."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

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
from nclw.timezones import format_time


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


def check_in(registration: Registration, *, actor: User, now: datetime) -> Registration:
    """Mark a confirmed ticket holder as arrived (once), if the actor may check people in at
    this event (organisers, or door staff given it)."""
    if not can_check_in(actor, registration.event):
        raise Forbidden("You cannot check people in at this event.")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(
            f"{registration.reference} is not a confirmed ticket, so it cannot be checked in."
        )
    if registration.checked_in_at is not None:
        raise NotAllowed(
            f"{registration.reference} was already checked in at "
            f"{format_time(registration.checked_in_at)}."
        )
    registration.checked_in_at = now
    registration.no_show = False
    record_action(
        AuditAction.REGISTRATION_CHECKED_IN,
        actor=actor,
        target=registration,
        summary=f"{registration.reference} at {registration.event.title}",
        now=now,
    )
    return registration


def check_in_by_reference(
    event: Event, reference: str, *, actor: User, now: datetime
) -> Registration:
    """Check in the ticket with this reference (typed or scanned) for this event."""
    # Asked before looking: someone who may not check in here learns nothing about tickets.
    if not can_check_in(actor, event):
        raise Forbidden("You cannot check people in at this event.")
    parsed = parse_reference(reference)
    if parsed is None:
        raise InvalidInput("Enter a ticket reference, like NCLW-7K3Q9P.")
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.reference == parsed
        )
    )
    if registration is None:
        raise InvalidInput(f"There is no ticket {parsed} for this event.")
    return check_in(registration, actor=actor, now=now)


def mark_no_show(
    registration: Registration, *, actor: User | None, now: datetime, no_show: bool = True
) -> Registration:
    """Record that a ticket holder did not come (or undo that)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed("Only a confirmed ticket can be marked as a no-show.")
    if no_show and registration.checked_in_at is not None:
        raise NotAllowed(f"{registration.reference} checked in, so they came.")
    registration.no_show = no_show
    record_action(
        AuditAction.REGISTRATION_MARKED_NO_SHOW
        if no_show
        else AuditAction.REGISTRATION_NO_SHOW_UNDONE,
        actor=actor,
        target=registration,
        summary=f"{registration.reference} at {registration.event.title}",
        now=now,
    )
    return registration
