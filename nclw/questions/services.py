"""The rules for asking, moderating and answering questions."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus


def pending_counts() -> dict[int, int]:
    """Event id to the number of questions waiting for moderation (events with none left out)."""
    rows = db.session.execute(
        sa.select(Question.event_id, sa.func.count())
        .where(Question.status == QuestionStatus.PENDING)
        .group_by(Question.event_id)
    )
    return {event_id: count for event_id, count in rows}
