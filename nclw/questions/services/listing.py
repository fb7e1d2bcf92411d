"""Reading questions: the public list, the presenter's, the moderation queue and its counts."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus


def event_question(event_id: int, question_id: int) -> Question | None:
    """A question only through its own event, so one event's pages never reach another's."""
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event_id:
        return None
    return question


# Everything the event page's public list shows of its questions, read for the page's stamp
# (nclw/events/cache.py): approving, editing, answering, pinning, a vote or a withdrawal
# changes the stamp, and so the page.
PUBLIC_LIST_STAMP = """
    SELECT id, status, body, display_name, vote_count, pinned, created_at, edited_at, answered_at
    FROM questions WHERE event_id = :event_id AND status IN ('approved', 'answered')
    ORDER BY id
"""


def live_questions(event: Event) -> list[Question]:
    """Approved questions waiting to be answered: most votes first, then oldest first."""
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id, Question.status == QuestionStatus.APPROVED)
            .order_by(Question.vote_count.desc(), Question.created_at, Question.id)
        )
    )


def answered_questions(event: Event) -> list[Question]:
    """Questions already answered, most recent first."""
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id, Question.status == QuestionStatus.ANSWERED)
            .order_by(Question.answered_at.desc(), Question.id.desc())
        )
    )


def presenter_questions(
    event: Event, *, upcoming: int = 5, beside_pinned: int = 3
) -> tuple[Question | None, list[Question]]:
    """The pinned question (if any) and the next ones to answer.

    Fewer come next to a pinned question: it takes most of the screen, and the next ones
    must fit in the column beside it without scrolling.
    """
    live = live_questions(event)
    pinned = next((q for q in live if q.pinned), None)
    return pinned, [q for q in live if not q.pinned][: beside_pinned if pinned else upcoming]


def status_counts(event: Event) -> dict[QuestionStatus, int]:
    """How many of this event's questions are in each state (every state listed)."""
    rows = db.session.execute(
        sa.select(Question.status, sa.func.count())
        .where(Question.event_id == event.id)
        .group_by(Question.status)
    )
    counts = {status: 0 for status in QuestionStatus}
    for status, count in rows:
        counts[QuestionStatus(status)] = count
    return counts


def moderation_queue(event: Event, status: QuestionStatus) -> list[Question]:
    """One state's questions for moderators: waiting ones oldest first, others by votes."""
    query = sa.select(Question).where(Question.event_id == event.id, Question.status == status)
    if status == QuestionStatus.PENDING:
        query = query.order_by(Question.id)
    else:
        query = query.order_by(Question.pinned.desc(), Question.vote_count.desc(), Question.id)
    return list(db.session.scalars(query))


def pending_counts() -> dict[int, int]:
    """Event id to the number of questions waiting for moderation (events with none left out)."""
    rows = db.session.execute(
        sa.select(Question.event_id, sa.func.count())
        .where(Question.status == QuestionStatus.PENDING)
        .group_by(Question.event_id)
    )
    return {event_id: count for event_id, count in rows}
