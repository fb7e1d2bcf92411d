"""What an event's survey found, for the organisers (and later the event report)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db
from nclw.feedback.models import FeedbackAnswer, QuestionKind, SurveyInvitation, SurveyQuestion
from nclw.feedback.survey import saved_questions
from nclw.registrations.models import Registration

# With fewer answers than this, organisers who know who came could tell whose answer is
# whose; nothing is shown until this many people have answered.
FEWEST_TO_SHOW = 3


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers: counts of each score, or the words people wrote."""

    question: SurveyQuestion
    answered: int
    # For a score: how many gave 1, 2, 3, 4 and 5, and the average.
    scores: dict[int, int] = field(default_factory=dict)
    average: float | None = None
    # For words: what people wrote, in alphabetical order so the order tells nothing.
    texts: list[str] = field(default_factory=list)

    @property
    def is_rating(self) -> bool:
        return self.question.kind == QuestionKind.RATING


@dataclass(frozen=True)
class FeedbackSummary:
    """An event's survey in numbers and words."""

    sent: int
    answered: int
    questions: list[QuestionResult]

    @property
    def enough_to_show(self) -> bool:
        return self.answered >= FEWEST_TO_SHOW

    @property
    def fewest_to_show(self) -> int:
        return FEWEST_TO_SHOW


def _counts(event: Event) -> tuple[int, int]:
    row = db.session.execute(
        sa.select(
            sa.func.count(SurveyInvitation.sent_at),
            sa.func.count().filter(SurveyInvitation.answered.is_(True)),
        )
        .join(Registration, SurveyInvitation.registration_id == Registration.id)
        .where(Registration.event_id == event.id)
    ).one()
    return row[0], row[1]


def _result(question: SurveyQuestion, answers: list[FeedbackAnswer], with_words: bool):
    mine = [answer for answer in answers if answer.question_id == question.id]
    if question.kind == QuestionKind.RATING:
        ratings = [answer.rating for answer in mine if answer.rating is not None]
        return QuestionResult(
            question,
            answered=len(ratings),
            scores={score: ratings.count(score) for score in range(1, 6)},
            average=round(sum(ratings) / len(ratings), 1) if ratings else None,
        )
    texts = sorted(answer.text for answer in mine if answer.text) if with_words else []
    return QuestionResult(question, answered=len(mine), texts=texts)


def feedback_summary(event: Event, *, with_words: bool = True) -> FeedbackSummary:
    """The survey's results: how many were sent and answered, and each question's answers.

    Written answers only with `with_words` (organisers); partners' pages must pass False.
    Below FEWEST_TO_SHOW answers the questions come back empty.
    """
    sent, answered = _counts(event)
    questions = saved_questions(event)
    if answered < FEWEST_TO_SHOW or not questions:
        return FeedbackSummary(sent=sent, answered=answered, questions=[])
    answers = list(
        db.session.scalars(
            sa.select(FeedbackAnswer).where(
                FeedbackAnswer.question_id.in_([question.id for question in questions])
            )
        )
    )
    return FeedbackSummary(
        sent=sent,
        answered=answered,
        questions=[_result(question, answers, with_words) for question in questions],
    )
