"""Answers to an event's sign-up questions: checked, kept with the ticket, shown, forgotten."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.sign_up_questions import (
    LONG_ANSWER_LENGTH,
    SHORT_ANSWER_LENGTH,
    QuestionKind,
    SignUpAnswer,
    SignUpQuestion,
)

YES, NO = "yes", "no"

# What a form gave for one question: text, or the list of ticked choices.
Given = str | list[str] | None


# How a message puts the organiser's own words (a question) into the site's: as plain text
# unless the caller says otherwise. The sign-up form marks them as the English they are typed
# in, so a screen reader on a Welsh page reads them with English sounds (question_fields).
Say = Callable[..., str]


def plain(words: str, **typed: str) -> str:
    """`words` with the organiser's words put in as they are."""
    return words % typed


class AnswerProblems(Exception):
    """Some answers do not fit their questions: a message per question id."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _check_one(question: SignUpQuestion, given: Given, say: Say) -> str | None:
    """The answer to keep (None for no answer), or raise ValueError with what is wrong."""
    kind = question.kind
    if kind == QuestionKind.SEVERAL_CHOICES:
        ticked = [given] if isinstance(given, str) else list(given or [])
        ticked = [choice for choice in ticked if choice]
        allowed = question.choice_list
        if any(choice not in allowed for choice in ticked):
            raise ValueError(
                say(_("Choose from the list for \u201c%(question)s\u201d"), question=question.label)
            )
        if not ticked:
            if question.required:
                raise ValueError(
                    say(
                        _("Choose at least one answer for \u201c%(question)s\u201d"),
                        question=question.label,
                    )
                )
            return None
        # In the list's order, each once.
        return "\n".join(choice for choice in allowed if choice in ticked)
    text = (given if isinstance(given, str) else "").strip()
    if not text:
        if question.required:
            if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
                raise ValueError(
                    say(_("Enter an answer for \u201c%(question)s\u201d"), question=question.label)
                )
            raise ValueError(
                say(_("Choose an answer for \u201c%(question)s\u201d"), question=question.label)
            )
        return None
    if kind == QuestionKind.ONE_CHOICE and text not in question.choice_list:
        raise ValueError(
            say(_("Choose from the list for \u201c%(question)s\u201d"), question=question.label)
        )
    if kind == QuestionKind.YES_NO and text not in (YES, NO):
        raise ValueError(
            say(_("Choose yes or no for \u201c%(question)s\u201d"), question=question.label)
        )
    limit = SHORT_ANSWER_LENGTH if kind == QuestionKind.SHORT_TEXT else LONG_ANSWER_LENGTH
    if len(text) > limit:
        raise ValueError(
            say(
                # The limit is ours: put in now, leaving the question for `say`.
                _(
                    "Your answer to \u201c%(question)s\u201d must be %(most)s characters or fewer",
                    question="%(question)s",
                    most=limit,
                ),
                question=question.label,
            )
        )
    return text


def check_answers(
    questions: Iterable[SignUpQuestion], given: Mapping[int, Given], *, say: Say = plain
) -> dict[int, str]:
    """The answers to keep, by question id, for the questions asked (hidden ones are not).

    Raises AnswerProblems naming every answer that does not fit: required and missing, too
    long, or a choice that is not on the list.
    """
    kept: dict[int, str] = {}
    problems: dict[int, str] = {}
    for question in questions:
        if question.hidden:
            continue
        try:
            answer = _check_one(question, given.get(question.id), say)
        except ValueError as problem:
            problems[question.id] = problem.args[0]  # as `say` made it (str() drops Markup)
            continue
        if answer is not None:
            kept[question.id] = answer
    if problems:
        raise AnswerProblems(problems)
    return kept


def answer_words(question: SignUpQuestion, value: str) -> str:
    """An answer as people read it: choices joined, yes/no in words."""
    if question.kind == QuestionKind.YES_NO:
        return {YES: _("Yes"), NO: _("No")}.get(value, value)
    if question.kind == QuestionKind.SEVERAL_CHOICES:
        return ", ".join(value.splitlines())
    return value


@dataclass(frozen=True)
class ShownAnswer:
    question: str
    answer: str
    hidden: bool


def answers_for(registration: Registration) -> list[ShownAnswer]:
    """Every question the ticket's event has, with this ticket's answer, for organisers.

    Hidden questions are shown too when answered: they are no longer asked, but the answers
    stay.
    """
    rows = db.session.execute(
        sa.select(SignUpQuestion, SignUpAnswer.value)
        .outerjoin(
            SignUpAnswer,
            sa.and_(
                SignUpAnswer.question_id == SignUpQuestion.id,
                SignUpAnswer.registration_id == registration.id,
            ),
        )
        .where(
            SignUpQuestion.event_id == registration.event_id,
            SignUpQuestion.awaiting_review.is_(False),
        )
        .order_by(SignUpQuestion.position, SignUpQuestion.id)
    ).all()
    return [
        ShownAnswer(
            question.label,
            answer_words(question, value) if value is not None else _("Not answered"),
            question.hidden,
        )
        for question, value in rows
        if value is not None or not question.hidden
    ]


def answer_column(question: SignUpQuestion) -> sa.ColumnElement[str]:
    """SQL reading one ticket's answer to `question` (blank for none), for exports."""
    value = (
        sa.select(SignUpAnswer.value)
        .where(
            SignUpAnswer.registration_id == Registration.id,
            SignUpAnswer.question_id == question.id,
        )
        .scalar_subquery()
    )
    if question.kind == QuestionKind.YES_NO:
        return sa.case((value == YES, "Yes"), (value == NO, "No"), else_="")
    if question.kind == QuestionKind.SEVERAL_CHOICES:
        return sa.func.coalesce(sa.func.replace(value, "\n", ", "), "")
    return sa.func.coalesce(value, "")


def forget_answers(registration_ids) -> None:
    """Delete the answers of these tickets (a list of ids, or a query of them)."""
    db.session.execute(
        sa.delete(SignUpAnswer)
        .where(SignUpAnswer.registration_id.in_(registration_ids))
        .execution_options(synchronize_session=False)
    )
