"""Questions for an event's live Q&A, and the votes on them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.models import Event
from nclw.extensions import db
from nclw.timezones import utcnow

QUESTION_MAX_LENGTH = 500
DISPLAY_NAME_MAX_LENGTH = 40


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The state's name for people, in the page's language."""
        return {
            "pending": _("Waiting for a check"),
            "approved": _("Approved"),
            "rejected": _("Not used"),
            "answered": _("Answered"),
            "withdrawn": _("Withdrawn"),
        }[self.value]


class Question(db.Model):
    """One question for an event's Q&A.

    There is deliberately no link to a registration: the asker is known only by `asker_key`, a
    keyed hash (see services.keys) of their ticket's number or of a random browser id, and the
    time is kept only to the hour, so nobody in the back office can tell who asked.
    """

    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint(f"length(body) <= {QUESTION_MAX_LENGTH}", name="body_not_too_long"),
        sa.CheckConstraint("length(body) > 0", name="body_not_empty"),
        sa.CheckConstraint("vote_count >= 0", name="votes_not_negative"),
        sa.CheckConstraint("NOT pinned OR status = 'approved'", name="only_approved_pinned"),
        # Only one question is being answered at a time.
        sa.Index(
            "uq_questions_event_pinned",
            "event_id",
            unique=True,
            sqlite_where=sa.text("pinned"),
            postgresql_where=sa.text("pinned"),
        ),
        sa.Index("ix_questions_event_status", "event_id", "status"),
        sa.Index("ix_questions_asker_key", "asker_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(sa.String(QUESTION_MAX_LENGTH))
    # A first name the asker chose to show; None means anonymous.
    display_name: Mapped[str | None] = mapped_column(sa.String(DISPLAY_NAME_MAX_LENGTH))
    status: Mapped[QuestionStatus] = mapped_column(
        enum_column(QuestionStatus, "question_status"), default=QuestionStatus.PENDING
    )
    # HMAC-SHA256 (hex), under QUESTION_ASKER_KEY, of the asker's ticket or browser id.
    asker_key: Mapped[str | None] = mapped_column(sa.String(64))
    # Kinds of personal detail it seems to contain ("email,phone"), for the moderator.
    flags: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    pinned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    vote_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # To the hour only (asking.coarse_time).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return [flag for flag in self.flags.split(",") if flag]

    @property
    def is_public(self) -> bool:
        return self.status in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


class QuestionVote(db.Model):
    """One upvote; `voter_key` is a keyed hash, so a ticket or browser votes once."""

    __tablename__ = "question_votes"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "voter_key", name="uq_question_votes_once"),
        sa.Index("ix_question_votes_question_address", "question_id", "address_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(sa.String(64))
    # For a vote without a ticket: a keyed hash of the network address and this question, so
    # new browser ids from one address count against one bound (never the address itself).
    address_key: Mapped[str | None] = mapped_column(sa.String(64))
