"""Door staff: which events organisers give them to check people in at.

Whether someone may use the check-in desk for an event is `permissions.can_check_in`; this
module changes and lists the assignments it reads.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nclw.accounts.models import DoorStaffAssignment, Role, User
from nclw.accounts.permissions import is_active_organiser
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db


def _assignment(user: User, event: Event) -> DoorStaffAssignment | None:
    return db.session.get(DoorStaffAssignment, (event.id, user.id))


def assign_door_staff(user: User, event: Event, *, actor: User, now: datetime) -> None:
    """Let door staff check people in at this event; only organisers may."""
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can give door staff an event."))
    if user.role != Role.DOOR_STAFF:
        raise InvalidInput(
            _("%(email)s is not door staff, so they cannot be given an event.", email=user.email)
        )
    if _assignment(user, event) is not None:
        raise NotAllowed(_("%(email)s already checks people in at this event.", email=user.email))
    try:
        # A savepoint: an organiser who gave the same event a moment ago is refused by the
        # unique pair, and nothing else in the transaction is lost.
        with db.session.begin_nested():
            db.session.add(
                DoorStaffAssignment(
                    event_id=event.id, user_id=user.id, assigned_at=now, assigned_by_id=actor.id
                )
            )
    except IntegrityError:
        raise NotAllowed(
            _("%(email)s already checks people in at this event.", email=user.email)
        ) from None
    record_action(
        AuditAction.EVENT_DOOR_STAFF_ASSIGNED,
        actor=actor,
        target=event,
        # An id, not an address: the log names people from their rows when it is read.
        summary=f"door staff user {user.id}",
        now=now,
    )


def unassign_door_staff(user: User, event: Event, *, actor: User, now: datetime) -> None:
    """Take an event away from door staff: they cannot open its check-in desk from now on."""
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can take an event away from door staff."))
    assignment = _assignment(user, event)
    if assignment is None:
        raise NotAllowed(_("%(email)s does not check people in at this event.", email=user.email))
    db.session.delete(assignment)
    db.session.flush()
    record_action(
        AuditAction.EVENT_DOOR_STAFF_UNASSIGNED,
        actor=actor,
        target=event,
        summary=f"door staff user {user.id}",
        now=now,
    )


def end_assignments(user: User) -> None:
    """Take every event away from someone (they are no longer door staff)."""
    db.session.execute(sa.delete(DoorStaffAssignment).where(DoorStaffAssignment.user_id == user.id))


def door_staff_at(event: Event) -> list[User]:
    """The door staff given this event, by email address."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(DoorStaffAssignment, DoorStaffAssignment.user_id == User.id)
            .where(DoorStaffAssignment.event_id == event.id)
            .order_by(User.email)
        )
    )


def door_staff_to_give(event: Event) -> list[User]:
    """Door staff who can sign in and are not yet given this event, by email address."""
    given = sa.select(DoorStaffAssignment.user_id).where(DoorStaffAssignment.event_id == event.id)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.DOOR_STAFF, User.active.is_(True), User.id.not_in(given))
            .order_by(User.email)
        )
    )


def events_given_to(user: User, *, now: datetime) -> list[Event]:
    """The events this person checks people in at: those not over yet first, soonest first;
    then those over, most recent first."""
    over = Event.ends_at <= now
    return list(
        db.session.scalars(
            sa.select(Event)
            .join(DoorStaffAssignment, DoorStaffAssignment.event_id == Event.id)
            .where(DoorStaffAssignment.user_id == user.id)
            .order_by(
                sa.case((over, 1), else_=0),
                sa.case((over, None), else_=Event.starts_at).asc(),
                Event.starts_at.desc(),
            )
        )
    )
