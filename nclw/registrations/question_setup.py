"""The rules for the questions an event asks at sign-up: adding, changing, ordering, hiding.

Every question must say why it is asked (we ask the least we can), and a question that asks
for sensitive details is flagged to whoever sets it up or reviews it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.sign_up_questions import (
    MAX_CHOICES_LENGTH,
    MAX_HELP_LENGTH,
    MAX_LABEL_LENGTH,
    QuestionKind,
    SignUpAnswer,
    SignUpQuestion,
)

MAX_QUESTIONS = 10
MAX_CHOICES = 20

# Words that mean a question asks for special-category or identifying details. Matched as
# the start of a word, so "addresses" and "disabled" are caught and "dress" is not.
_SENSITIVE_WORDS = {
    "health": "health",
    "medical": "health",
    "illness": "health",
    "diagnos": "health",
    "mental": "health",
    "disab": "disability",
    "medication": "medication",
    "medicine": "medication",
    "allerg": "health",
    "care history": "care history",
    "in care": "care history",
    "foster": "care history",
    "placement": "care history",
    "social worker": "social worker",
    "personal adviser": "social worker",
    "address": "address",
    "postcode": "postcode",
    "post code": "postcode",
    "date of birth": "date of birth",
    "birthday": "date of birth",
    "dob": "date of birth",
    "how old": "age",
    "religio": "religion",
    "faith": "religion",
    "sexual": "sexuality",
    "gay": "sexuality",
    "lesbian": "sexuality",
    "gender": "gender",
    "transgender": "gender",
    "ethnic": "ethnicity",
    "race": "ethnicity",
    "immigration": "immigration status",
    "asylum": "immigration status",
    "visa": "immigration status",
    "refugee": "immigration status",
    "criminal": "criminal record",
    "convict": "criminal record",
    "pregnan": "health",
    "national insurance": "identity number",
    "nhs number": "identity number",
    "phone": "phone number",
}
_SENSITIVE_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in _SENSITIVE_WORDS) + r")", re.IGNORECASE
)


def sensitive_topics(*texts: str) -> list[str]:
    """The sensitive topics a question touches, by the words it uses: empty when none.

    A keyword rule, not a judge: it warns the person setting up or approving the question,
    who decides. Reads the question, its help text and its choices alike.
    """
    found: list[str] = []
    for text in texts:
        for match in _SENSITIVE_PATTERN.finditer(text or ""):
            topic = _SENSITIVE_WORDS[match.group(1).lower()]
            if topic not in found:
                found.append(topic)
    return found


def topics_of(question: SignUpQuestion) -> list[str]:
    """The sensitive topics a saved question touches."""
    return sensitive_topics(question.label, question.help_text, question.choices)


def sensitive_warning(topics: list[str]) -> str:
    """The warning shown to whoever adds or approves a question touching these topics."""
    return _(
        "This question may ask for sensitive details (%(topics)s). "
        "Ask it only if the event cannot run safely without it.",
        topics=", ".join(topics),
    )


@dataclass(frozen=True)
class QuestionDetails:
    """What the organiser (or partner) typed for one question."""

    label: str
    kind: QuestionKind
    why_we_ask: str
    help_text: str = ""
    required: bool = False
    choices: str = ""
    # Why a question flagged as sensitive is kept: needed to save one.
    sensitive_reason: str = ""


def _clean_choices(details: QuestionDetails) -> str:
    lines = [line.strip() for line in details.choices.splitlines() if line.strip()]
    if not details.kind.has_choices:
        return ""
    if len(lines) < 2:
        raise InvalidInput(_("Give at least two choices, one on each line."))
    if len(lines) > MAX_CHOICES:
        raise InvalidInput(_("Give at most %(most)s choices.", most=MAX_CHOICES))
    if len({line.casefold() for line in lines}) != len(lines):
        raise InvalidInput(_("Each choice must be different."))
    if any(len(line) > 100 for line in lines):
        raise InvalidInput(_("Each choice must be 100 characters or fewer."))
    joined = "\n".join(lines)
    if len(joined) > MAX_CHOICES_LENGTH:
        raise InvalidInput(_("The choices are too long all together."))
    return joined


def check_question(details: QuestionDetails) -> dict:
    """The question's columns, checked: raises InvalidInput with a message to show."""
    label = details.label.strip()
    why = details.why_we_ask.strip()
    if not label:
        raise InvalidInput(_("Enter the question."))
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInput(
            _("The question must be %(most)s characters or fewer.", most=MAX_LABEL_LENGTH)
        )
    if not why:
        raise InvalidInput(_("Say why you ask this question. We only ask what we need."))
    if len(why) > MAX_HELP_LENGTH or len(details.help_text.strip()) > MAX_HELP_LENGTH:
        raise InvalidInput(
            _(
                "Help text and the reason must be %(most)s characters or fewer.",
                most=MAX_HELP_LENGTH,
            )
        )
    choices = _clean_choices(details)
    topics = sensitive_topics(label, details.help_text, choices)
    reason = details.sensitive_reason.strip()
    if topics and not reason:
        raise InvalidInput(
            _("%(warning)s To keep it, say why it is needed.", warning=sensitive_warning(topics))
        )
    if len(reason) > MAX_HELP_LENGTH:
        raise InvalidInput(
            _("The reason must be %(most)s characters or fewer.", most=MAX_HELP_LENGTH)
        )
    return {
        "label": label,
        "kind": details.kind,
        "why_we_ask": why,
        "help_text": details.help_text.strip(),
        "required": details.required,
        "choices": choices,
        "sensitive_reason": reason if topics else None,
    }


@functools.cache
def _questions_query(include_hidden: bool) -> sa.Select:
    # Built once for each kind, on first use (the mappers must be configured first): every
    # sign-up runs it, and building it cost more than running it.
    query = sa.select(SignUpQuestion).where(
        SignUpQuestion.event_id == sa.bindparam("event_id"), *_asked(include_hidden)
    )
    return query.order_by(SignUpQuestion.position, SignUpQuestion.id)


def _asked(include_hidden: bool) -> list[sa.ColumnElement[bool]]:
    # Not those awaiting review; hidden ones only where they are wanted too.
    asked = [SignUpQuestion.awaiting_review.is_(False)]
    if not include_hidden:
        asked.append(SignUpQuestion.hidden.is_(False))
    return asked


def asks_questions_clause(event_id) -> sa.Exists:
    """Whether the sign-up form of the event `event_id` (a value, or a column of a larger
    query) asks any question."""
    return sa.exists().where(SignUpQuestion.event_id == event_id, *_asked(include_hidden=False))


def questions_of(event: Event, *, include_hidden: bool = True) -> list[SignUpQuestion]:
    """The event's questions in the order they are asked (not those awaiting review)."""
    return list(db.session.scalars(_questions_query(include_hidden), {"event_id": event.id}))


def has_answers(question: SignUpQuestion) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SignUpAnswer)
            .where(SignUpAnswer.question_id == question.id)
        )
        > 0
    )


def _note(event: Event, summary: str, *, actor: User | None, now: datetime) -> None:
    record_action(AuditAction.EVENT_UPDATED, actor=actor, target=event, summary=summary, now=now)


def check_room(event: Event) -> None:
    """Refuse another question when the event already asks as many as it may."""
    if len(questions_of(event, include_hidden=False)) >= MAX_QUESTIONS:
        raise NotAllowed(_("An event can ask at most %(most)s questions.", most=MAX_QUESTIONS))


def next_position(event: Event) -> int:
    """The place at the end of the event's questions."""
    return max((q.position for q in questions_of(event)), default=0) + 1


def add_question(
    event: Event,
    details: QuestionDetails,
    *,
    actor: User | None,
    now: datetime,
    awaiting_review: bool = False,
) -> SignUpQuestion:
    """Add a question at the end of the event's sign-up form (or, proposed by the host, to
    wait for review: see partners.question_proposals)."""
    check_room(event)
    question = SignUpQuestion(
        event_id=event.id,
        position=next_position(event),
        created_at=now,
        awaiting_review=awaiting_review,
        proposed_by_id=actor.id if awaiting_review and actor is not None else None,
        **check_question(details),
    )
    db.session.add(question)
    db.session.flush()
    verb = "proposed" if awaiting_review else "added"
    _note(event, f"Sign-up question {verb}: {question.label}", actor=actor, now=now)
    return question


def change_question(
    question: SignUpQuestion, details: QuestionDetails, *, actor: User | None, now: datetime
) -> SignUpQuestion:
    """Change a question's words or settings; once answered, its kind and choices stay, so
    every answer still fits it."""
    values = check_question(details)
    if has_answers(question) and (
        values["kind"] != question.kind or values["choices"] != question.choices
    ):
        raise NotAllowed(
            _(
                "People have answered this question, so its type and choices cannot change. "
                "Hide it and add a new one instead."
            )
        )
    for name, value in values.items():
        setattr(question, name, value)
    _note(question.event, f"Sign-up question changed: {question.label}", actor=actor, now=now)
    return question


def move_question(question: SignUpQuestion, *, up: bool, actor: User | None, now: datetime) -> None:
    """Swap a question with the one asked before it (or after it)."""
    ordered = questions_of(question.event)
    for place, each in enumerate(ordered):
        each.position = place + 1  # close any gaps first
    index = ordered.index(question)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        raise NotAllowed(_("This question cannot move further."))
    ordered[index].position, ordered[other].position = (
        ordered[other].position,
        ordered[index].position,
    )
    _note(question.event, f"Sign-up question moved: {question.label}", actor=actor, now=now)


def set_hidden(
    question: SignUpQuestion, hidden: bool, *, actor: User | None, now: datetime
) -> None:
    """Stop asking a question (its answers stay), or ask it again."""
    if not hidden and question.hidden:
        check_room(question.event)
    question.hidden = hidden
    word = "hidden" if hidden else "asked again"
    _note(question.event, f"Sign-up question {word}: {question.label}", actor=actor, now=now)


def remove_question(question: SignUpQuestion, *, actor: User | None, now: datetime) -> None:
    """Delete a question nobody has answered; an answered one can only be hidden."""
    if has_answers(question):
        raise NotAllowed(_("People have answered this question, so it can only be hidden."))
    _note(question.event, f"Sign-up question removed: {question.label}", actor=actor, now=now)
    db.session.delete(question)


@dataclass(frozen=True)
class QuestionRow:
    """One question as the organisers' list shows it."""

    question: SignUpQuestion
    answers: int
    sensitive: list[str]
    first: bool
    last: bool


def question_rows(event: Event) -> list[QuestionRow]:
    """The event's questions, each with how many people answered and what it flags."""
    questions = questions_of(event)
    counts = dict(
        db.session.execute(
            sa.select(SignUpAnswer.question_id, sa.func.count())
            .where(SignUpAnswer.question_id.in_([q.id for q in questions]))
            .group_by(SignUpAnswer.question_id)
        ).all()
    )
    return [
        QuestionRow(
            question,
            counts.get(question.id, 0),
            topics_of(question),
            first=index == 0,
            last=index == len(questions) - 1,
        )
        for index, question in enumerate(questions)
    ]
