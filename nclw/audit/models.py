"""Who did what, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nclw.dbtypes import UTCDateTime
from nclw.extensions import db
from nclw.timezones import utcnow

# The actor_label of an entry no signed-in person made (a scheduled purge, say).
SYSTEM_LABEL = "system"


class AuditEntry(db.Model):
    """One recorded action in the back office (or by the system)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_at", "at"),
        # The audit page narrows the log to one event or one person, newest first.
        sa.Index("ix_audit_entries_event_at", "event_id", "at"),
        sa.Index("ix_audit_entries_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text so the entry still reads right after the account is gone.
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    # The event the target is or belongs to (a ticket's, a question's), so the log can be
    # narrowed to one event without looking up every kind of target.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    # Never a person's name or email: it outlives their details (see services.record_action).
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
