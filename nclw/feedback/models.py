"""A survey's questions, who was sent it, and the answers: kept apart so they cannot be joined.

Anonymous here means nobody with the database can tell whose answer is whose. So the row that
says a ticket answered (`SurveyInvitation.answered`) holds no time at all, and the answers hold
no ticket, no registration and no time finer than the day. Their ids are random rather than
counting up, so the order the rows were written in cannot be lined up with anything else.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.extensions import db
from nclw.registrations.models import Registration

MAX_QUESTION_LENGTH = 200
MAX_ANSWER_LENGTH = 1000


class QuestionKind(enum.StrEnum):
    RATING = "rating"
    TEXT = "text"

    @property
    def label(self) -> LazyString:
        """The kind's name for organisers, in the page's language whenever it is shown."""
        return _KIND_LABELS[self.value]


_KIND_LABELS = {"rating": _l("A score from 1 to 5"), "text": _l("Their own words")}


class SurveyQuestion(db.Model):
    """One question of an event's survey, in the order people see it."""

    __tablename__ = "feedback_questions"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "position"),
        sa.CheckConstraint("position BETWEEN 1 AND 5", name="position_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "feedback_question_kind"))
    text: Mapped[str] = mapped_column(sa.String(MAX_QUESTION_LENGTH))


class SurveyInvitation(db.Model):
    """One ticket's part in the survey: sent, answered, or asked not to be sent it.

    `answered` is a yes or no with no time on purpose: with a time, it could be matched to
    the answers written at that moment.
    """

    __tablename__ = "feedback_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    # The survey link, kept only as a hash (nclw.tokens); empty until the email is written.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opted_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    answered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    registration: Mapped[Registration] = relationship()


def _random_id() -> str:
    return secrets.token_hex(16)


class FeedbackAnswer(db.Model):
    """One answer to one question, from nobody in particular (see the module's docstring)."""

    __tablename__ = "feedback_answers"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        # A score or words, never both and never neither.
        sa.CheckConstraint("(rating IS NULL) <> (text IS NULL)", name="rating_or_text"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_random_id)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_questions.id", ondelete="CASCADE"), index=True
    )
    # The day only: a finer time could be matched to when a ticket was marked answered.
    answered_on: Mapped[date] = mapped_column(sa.Date)
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.String(MAX_ANSWER_LENGTH))
