"""Reminders before events: queued by `flask nclw send-reminders`, each one at most once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nclw.events.models import Event, EventFormat, EventStatus
from nclw.extensions import db
from nclw.mail.outbox import queue_email_once
from nclw.registrations import messages, slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_models import EventSlot, SlotBooking

DAY_BEFORE = timedelta(hours=24)
# Closer than this, the day-before reminder would land on top of the hour-before one.
DAY_BEFORE_CUTOFF = timedelta(hours=2)
HOUR_BEFORE = timedelta(minutes=75)


def reminder_key(kind: str, registration: Registration) -> str:
    """One reminder of each kind per ticket per start time (a moved event or time slot earns
    a new one)."""
    starts = int(slots.ticket_times(registration)[0].timestamp())
    return f"{kind}:{registration.id}:{starts}"


def _due(
    *, now: datetime, window_start: timedelta, window_end: timedelta, online_only: bool
) -> list[Registration]:
    # Due from the ticket's own start: its time slot's, or else the event's.
    starts_at = sa.func.coalesce(EventSlot.starts_at, Event.starts_at)
    query = (
        sa.select(Registration, starts_at)
        .join(Event, Registration.event_id == Event.id)
        .outerjoin(SlotBooking, SlotBooking.registration_id == Registration.id)
        .outerjoin(EventSlot, EventSlot.id == SlotBooking.slot_id)
        .options(joinedload(Registration.event))
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.anonymised_at.is_(None),
            Event.status == EventStatus.PUBLISHED,
            starts_at > now + window_start,
            starts_at <= now + window_end,
        )
        .order_by(Registration.id)
    )
    if online_only:
        query = query.where(Event.format.in_([EventFormat.ONLINE, EventFormat.HYBRID]))
    return [
        registration
        for registration, starts in db.session.execute(query).unique()
        # Someone who signed up inside the window has only just had their ticket email.
        if registration.confirmed_at is None or registration.confirmed_at <= starts - window_end
    ]


def _queue_once(kind: str, registration: Registration, compose: Callable) -> bool:
    return queue_email_once(
        lambda: compose(registration),
        dedupe_key=reminder_key(kind, registration),
        registration_id=registration.id,
        event_id=registration.event_id,
    )


def queue_reminders(*, now: datetime) -> dict[str, int]:
    """Queue every reminder that is due and not yet queued; safe to run as often as you like."""
    queued = {"reminder_day_before": 0, "reminder_hour_before": 0}
    db.session.commit()
    if db.session.get_bind().dialect.name == "sqlite":
        # Take SQLite's write lock before reading, so an overlapping run waits for this one
        # and then sees its reminders (PostgreSQL relies on the unique key and savepoints).
        db.session.execute(sa.text("UPDATE outbox_messages SET id = id WHERE 0"))
    for registration in _due(
        now=now, window_start=DAY_BEFORE_CUTOFF, window_end=DAY_BEFORE, online_only=False
    ):
        if _queue_once("reminder_day_before", registration, messages.reminder_day_before):
            queued["reminder_day_before"] += 1
    for registration in _due(
        now=now, window_start=timedelta(0), window_end=HOUR_BEFORE, online_only=True
    ):
        if _queue_once("reminder_hour_before", registration, messages.reminder_hour_before):
            queued["reminder_hour_before"] += 1
    db.session.commit()
    return queued
