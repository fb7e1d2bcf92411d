"""What changing an event means for the people signed up: the way in for every such change.

The event's own details are the events' rules (`nclw.events.services`); the tickets and the
emails about them are ours. Editing, unpublishing and cancelling an event come through here,
so no other package rewrites a ticket.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.events import services as events
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.outbox import queue_email, queue_ticket_email
from nclw.registrations import messages
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.queries import live_registrations
from nclw.registrations.waiting_list import change_capacity
from nclw.wording import plural


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def attendees_to_notify(event: Event, changes: dict) -> int:
    """How many people an edit would email: everyone signed up, if time or place changes."""
    if not events.moves_people(event, changes):
        return 0
    return _count(live_registrations(event).order_by(None))


def update_event(event: Event, changes: dict, *, actor, now: datetime) -> int:
    """Apply an edit; a new time or place emails everyone signed up an updated invite.

    Returns how many attendees were notified. Raising the capacity gives places to the
    waiting list in order.
    """
    events.check_event_changes(event, changes)
    changes = dict(changes)
    summary: list[str] = []
    capacity = changes.pop("capacity", event.capacity)
    # Before the capacity, so places it frees are shared out the way the edit asks for.
    fields = events.apply_event_changes(
        event,
        {"offers_expire": changes.pop("offers_expire")} if "offers_expire" in changes else {},
        now=now,
    )
    if capacity != event.capacity:
        # First, because it locks and reloads the event row (other edits would be lost).
        before = event.capacity
        promoted = change_capacity(event, capacity, now=now)
        summary.append(
            f"capacity {before if before is not None else 'unlimited'} to "
            f"{capacity if capacity is not None else 'unlimited'}"
            + (f", {len(promoted)} promoted from the waiting list" if promoted else "")
        )
    moved = events.moves_people(event, changes)
    fields += events.apply_event_changes(event, changes, now=now)
    notified = 0
    if moved:
        for registration in db.session.scalars(live_registrations(event)):
            queue_email(
                messages.event_changed(registration),
                registration_id=registration.id,
                event_id=event.id,
            )
            notified += 1
    if fields:
        summary.append("changed " + ", ".join(fields))
    if moved:
        summary.append(f"{plural(notified, 'attendee')} notified")
    if summary:
        event.updated_at = now
        record_action(
            AuditAction.EVENT_UPDATED,
            actor=actor,
            target=event,
            summary="; ".join(summary),
            now=now,
        )
    db.session.flush()
    return notified


def unpublish_event(event: Event, *, actor, now: datetime) -> None:
    """Take an event off the week page; only while nobody is signed up (else cancel it)."""
    signed_up = _count(live_registrations(event).order_by(None))
    events.unpublish_event(event, signed_up=signed_up, actor=actor, now=now)


def cancel_event(event: Event, reason: str, *, actor, now: datetime) -> int:
    """Cancel the event: everyone signed up gets the reason and a calendar cancellation.

    Returns how many people were told.
    """
    events.mark_event_cancelled(event, reason, now=now)
    told = 0
    for registration in list(db.session.scalars(live_registrations(event))):
        _cancel_with_the_event(registration, event.cancel_reason or "", now=now)
        told += 1
    # Every ticket went with the event: nothing holds a place any more.
    event.confirmed_count = 0
    record_action(
        AuditAction.EVENT_CANCELLED,
        actor=actor,
        target=event,
        summary=f"{event.title}: {(event.cancel_reason or '')[:200]} "
        f"({plural(told, 'person')} told)",
        now=now,
    )
    db.session.flush()
    return told


def _cancel_with_the_event(registration: Registration, reason: str, *, now: datetime) -> None:
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.waiting_since = None
    # The calendar cancellation must supersede the invite the person already has.
    registration.calendar_sequence += 1
    queue_ticket_email(messages.event_cancelled(registration, reason), registration)
