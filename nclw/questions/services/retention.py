"""After the event: exporting the questions that were used, and forgetting the rest."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.exports import csv_stream, neutralise
from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus, QuestionVote
from nclw.questions.services.moderation import can_moderate_questions


def export_is_open(event: Event, *, now: datetime) -> bool:
    """The questions can be downloaded once the event has finished, not while it is live."""
    return now >= event.ends_at


def export_questions_csv(event: Event, *, actor: User, now: datetime) -> bytes:
    """The event's used questions as CSV, once it has ended: words, state and votes, no identity."""
    if not can_moderate_questions(actor, event):
        raise Forbidden(_("You cannot export this event's questions."))
    if not export_is_open(event, now=now):
        raise NotAllowed(_("You can export the questions once the event has finished."))
    questions = db.session.scalars(
        sa.select(Question)
        .where(
            Question.event_id == event.id,
            Question.status.in_([QuestionStatus.APPROVED, QuestionStatus.ANSWERED]),
        )
        .order_by(Question.vote_count.desc(), Question.id)
    )
    rows = [["Question", "Answered", "Votes", "Edited by a moderator"]]
    rows += [
        [
            neutralise(question.body),
            "Yes" if question.status == QuestionStatus.ANSWERED else "No",
            str(question.vote_count),
            "Yes" if question.edited_at else "No",
        ]
        for question in questions
    ]
    body = b"".join(csv_stream(rows))
    record_action(
        AuditAction.EVENT_QUESTIONS_EXPORTED,
        actor=actor,
        target=event,
        summary="Exported questions",
        now=now,
    )
    return body


def purge_questions(*, older_than_days: int, now: datetime) -> int:
    """For events that ended more than N days ago: delete questions never made public, and
    forget who asked and voted for the rest. Returns how many questions were deleted."""
    if older_than_days < 0:
        raise InvalidInput("The number of days cannot be negative.")
    ended = sa.select(Event.id).where(Event.ends_at < now - timedelta(days=older_than_days))
    of_ended = sa.select(Question.id).where(Question.event_id.in_(ended))
    db.session.execute(
        sa.delete(QuestionVote)
        .where(QuestionVote.question_id.in_(of_ended))
        .execution_options(synchronize_session=False)
    )
    deleted = db.session.execute(
        sa.delete(Question)
        .where(
            Question.event_id.in_(ended),
            Question.status.not_in([QuestionStatus.APPROVED, QuestionStatus.ANSWERED]),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Question)
        .where(Question.event_id.in_(ended), Question.asker_key.is_not(None))
        .values(asker_key=None)
        .execution_options(synchronize_session=False)
    )
    return deleted.rowcount or 0
