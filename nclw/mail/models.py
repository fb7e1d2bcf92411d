"""The outbox: every email is a row, written in the same transaction as its cause."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.extensions import db
from nclw.timezones import utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One email waiting to go, gone, or failed."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at", "id"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What kind of message this is, e.g. "ticket_confirmed", "reminder_day_before".
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    # Both empty until written: sign-ups leave the writing to the sender (see
    # registrations.send_time), so the busiest request of the year stays short.
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    text_body: Mapped[str | None] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    # An iCalendar attachment and its METHOD (REQUEST or CANCEL), when the email carries one.
    ical_body: Mapped[str | None] = mapped_column(sa.Text)
    ical_method: Mapped[str | None] = mapped_column(sa.String(16))
    # The name the email comes from instead of the site's (a discreet email); same address.
    sender_name: Mapped[str | None] = mapped_column(sa.String(80))
    # The text of a QR code shown inside the HTML part (a ticket's check-in link): the
    # image is drawn again from it when the message is built, so only the text is kept.
    qr_text: Mapped[str | None] = mapped_column(sa.String(500))
    # For a message written when it is sent (a password reset, say): the language of the
    # page that asked for it. None is English. A ticket's emails follow the ticket instead.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    # Makes "send each reminder once" a database rule rather than a hope.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
