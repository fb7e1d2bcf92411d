"""Time slots: an event split into short sessions (mock interviews, say), each with its own
places, and which slot each ticket holds."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from nclw.dbtypes import UTCDateTime
from nclw.extensions import db
from nclw.timezones import format_time, format_when


class EventSlot(db.Model):
    """One slot of an event: its own times and its own number of places."""

    __tablename__ = "event_slots"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The backstop against double booking, as for the event's own count.
        sa.CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= capacity", name="confirmed_within_capacity"
        ),
        sa.Index("ix_event_slots_event_start", "event_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(default=1, server_default="1")
    # Tickets holding this slot; taken with a guarded UPDATE, like the event's own count.
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_full(self) -> bool:
        return self.confirmed_count >= self.capacity

    @property
    def when(self) -> str:
        """The slot's day and UK times, as people read them."""
        return format_when(self.starts_at, self.ends_at)

    @property
    def times(self) -> str:
        """Just the UK times, like '10:00am to 10:20am'."""
        return _(
            "%(start)s to %(end)s", start=format_time(self.starts_at), end=format_time(self.ends_at)
        )


class SlotBooking(db.Model):
    """The slot a ticket holds: only tickets holding a place have one."""

    __tablename__ = "slot_bookings"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_slots.id", ondelete="CASCADE"), index=True
    )


class SlotWait(db.Model):
    """The time a person on the waiting list waits for, where each time has its own list.

    Only a waiting ticket needs it: once the person has a place, their SlotBooking says
    which time they hold.
    """

    __tablename__ = "slot_waits"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_slots.id", ondelete="CASCADE"), index=True
    )
