"""Which questions an event's survey asks: the organisers' choice, or a sensible default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.accounts.models import User
from nclw.accounts.permissions import is_active_organiser
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.feedback.models import (
    MAX_QUESTION_LENGTH,
    QuestionKind,
    SurveyInvitation,
    SurveyQuestion,
)
from nclw.registrations.models import Registration

# Short enough to answer on a phone on the bus home; long enough to be worth sending.
FEWEST_QUESTIONS = 3
MOST_QUESTIONS = 5


@dataclass(frozen=True)
class QuestionChoice:
    """A question as an organiser writes it, before it is saved."""

    kind: QuestionKind
    text: str


# Saved in English when the survey is sent (a sent survey's words never change), and shown
# in each reader's language by `question_text`.
_DEFAULT_WORDS = {
    "Overall, how good was the event?": _l("Overall, how good was the event?"),
    "What was useful?": _l("What was useful?"),
    "What should change?": _l("What should change?"),
}
DEFAULT_QUESTIONS = (
    QuestionChoice(QuestionKind.RATING, "Overall, how good was the event?"),
    QuestionChoice(QuestionKind.TEXT, "What was useful?"),
    QuestionChoice(QuestionKind.TEXT, "What should change?"),
)


def question_text(question: SurveyQuestion | QuestionChoice) -> str:
    """A question's words for the page: ours in the page's language; the organisers' as written."""
    words = _DEFAULT_WORDS.get(question.text)
    return str(words) if words is not None else question.text


def saved_questions(event: Event) -> list[SurveyQuestion]:
    """The questions saved for this event, in order (none until chosen or first sent)."""
    return list(
        db.session.scalars(
            sa.select(SurveyQuestion)
            .where(SurveyQuestion.event_id == event.id)
            .order_by(SurveyQuestion.position)
        )
    )


def questions_for(event: Event) -> list[QuestionChoice]:
    """What the survey will ask: the organisers' questions, or the default set."""
    saved = saved_questions(event)
    if not saved:
        return list(DEFAULT_QUESTIONS)
    return [QuestionChoice(question.kind, question.text) for question in saved]


def survey_was_sent(event: Event) -> bool:
    """Whether anyone has been sent this event's survey (its questions are then fixed)."""
    return bool(
        db.session.scalar(
            sa.select(SurveyInvitation.id)
            .join(Registration, SurveyInvitation.registration_id == Registration.id)
            .where(Registration.event_id == event.id, SurveyInvitation.sent_at.is_not(None))
            .limit(1)
        )
    )


def _checked(choices: list[QuestionChoice]) -> list[QuestionChoice]:
    cleaned = []
    for choice in choices:
        text = " ".join(choice.text.split())
        if not text:
            continue
        if len(text) > MAX_QUESTION_LENGTH:
            raise InvalidInput(
                _("Keep each question to %(max)d characters or fewer.", max=MAX_QUESTION_LENGTH)
            )
        cleaned.append(QuestionChoice(QuestionKind(choice.kind), text))
    if not FEWEST_QUESTIONS <= len(cleaned) <= MOST_QUESTIONS:
        raise InvalidInput(
            _(
                "Write between %(fewest)d and %(most)d questions. You wrote %(num)d.",
                fewest=FEWEST_QUESTIONS,
                most=MOST_QUESTIONS,
                num=len(cleaned),
            )
        )
    return cleaned


def _save(event: Event, choices: list[QuestionChoice]) -> list[SurveyQuestion]:
    db.session.execute(sa.delete(SurveyQuestion).where(SurveyQuestion.event_id == event.id))
    questions = [
        SurveyQuestion(event_id=event.id, position=n, kind=choice.kind, text=choice.text)
        for n, choice in enumerate(choices, start=1)
    ]
    db.session.add_all(questions)
    db.session.flush()
    return questions


def choose_questions(
    event: Event, choices: list[QuestionChoice], *, actor: User, now: datetime
) -> list[SurveyQuestion]:
    """Save the organisers' 3 to 5 questions (blank ones are left out).

    Only until the survey is sent: after that, changing a question would put answers to the
    old wording under the new one.
    """
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can choose the feedback questions."))
    if survey_was_sent(event):
        raise NotAllowed(_("The survey has been sent, so its questions can no longer change."))
    questions = _save(event, _checked(choices))
    record_action(
        AuditAction.EVENT_SURVEY_QUESTIONS_CHANGED,
        actor=actor,
        target=event,
        summary=f"{len(questions)} questions",
        now=now,
    )
    return questions


def fix_questions(event: Event) -> list[SurveyQuestion]:
    """The questions to send: the organisers', or the default set saved now for the answers."""
    return saved_questions(event) or _save(event, list(DEFAULT_QUESTIONS))
