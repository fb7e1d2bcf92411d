"""The questions an event asks on its sign-up form, and each ticket's answers to them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.models import Event
from nclw.extensions import db
from nclw.timezones import utcnow

MAX_LABEL_LENGTH = 200
MAX_HELP_LENGTH = 300
MAX_CHOICES_LENGTH = 2000
SHORT_ANSWER_LENGTH = 200
LONG_ANSWER_LENGTH = 1000


# Everything the sign-up form shows of an event's own questions, read for its stamp (see
# registrations.views.register): a question added, reworded, moved or hidden changes the form.
QUESTIONS_STAMP = "SELECT * FROM sign_up_questions WHERE event_id = :event_id ORDER BY id"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    YES_NO = "yes_no"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.value])

    @property
    def has_choices(self) -> bool:
        return self in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)


# Lazy, so the question form's choices, built at import, read in each page's language.
KIND_LABELS = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "one_choice": _l("One choice from a list"),
    "several_choices": _l("Any number of choices from a list"),
    "yes_no": _l("Yes or no"),
}


class SignUpQuestion(db.Model):
    """One question an event asks when people sign up, in the order they are asked.

    Once someone has answered it, it is never deleted, only hidden: it is no longer asked,
    and organisers still see the answers.
    """

    __tablename__ = "sign_up_questions"
    __table_args__ = (sa.Index("ix_sign_up_questions_event_position", "event_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "sign_up_question_kind"))
    label: Mapped[str] = mapped_column(sa.String(MAX_LABEL_LENGTH))
    help_text: Mapped[str] = mapped_column(sa.String(MAX_HELP_LENGTH), default="")
    # Shown beside the question: every question must say why it is worth asking.
    why_we_ask: Mapped[str] = mapped_column(sa.String(MAX_HELP_LENGTH))
    required: Mapped[bool] = mapped_column(default=False)
    # One choice a line, for the two kinds with a list.
    choices: Mapped[str] = mapped_column(sa.String(MAX_CHOICES_LENGTH), default="")
    hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Why the organisers kept a question that asks for sensitive details, when it does.
    sensitive_reason: Mapped[str | None] = mapped_column(sa.String(MAX_HELP_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A question the host (a partner) proposed waits for an organiser's review: until it is
    # approved it is not asked. The partner who proposed it is kept to say who asked.
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SignUpAnswer(db.Model):
    """One ticket's answer to one question. Several choices are kept one a line."""

    __tablename__ = "sign_up_answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # RESTRICT: a question with answers cannot be deleted, only hidden.
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_up_questions.id", ondelete="RESTRICT"), index=True
    )
    value: Mapped[str] = mapped_column(sa.Text)

    question: Mapped[SignUpQuestion] = relationship()


def save_answers(registration_id: int, answers: Mapping[int, str]) -> None:
    """Keep a new ticket's checked answers (from
    sign_up_answers.check_answers), in the sign-up's own transaction."""
    if answers:
        db.session.execute(
            sa.insert(SignUpAnswer),
            [
                {"registration_id": registration_id, "question_id": question_id, "value": value}
                for question_id, value in answers.items()
            ],
        )
