"""Asking: who may ask and when, sending a question, and the asker taking it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.errors import Forbidden, InvalidInput, NclwError, NotAllowed
from nclw.events.models import Event, EventStatus, QuestionAskers
from nclw.extensions import db
from nclw.questions.models import (
    DISPLAY_NAME_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Question,
    QuestionStatus,
)
from nclw.questions.personal_details import find_personal_details
from nclw.questions.services.keys import browser_key, same_key, ticket_key
from nclw.registrations.models import Registration

# An asker may take a question back until a moderator has closed it one way or the other.
_WITHDRAWABLE = frozenset({QuestionStatus.PENDING, QuestionStatus.APPROVED})


def flags_for_text(text: str) -> list[str]:
    """The kinds of personal detail a question's words seem to contain."""
    return find_personal_details(text)


def asking_closed_reason(
    event: Event, *, registration: Registration | None = None, now: datetime
) -> str | None:
    """Why this person cannot ask a question now, in plain words, or None when they can."""
    if not event.qa_enabled:
        return _("This event is not taking questions.")
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not taking questions.")
    if now >= event.ends_at:
        return _("This event has finished, so it is no longer taking questions.")
    if registration is not None:
        if registration.event_id != event.id or registration.is_cancelled:
            return _("Only people with a ticket for this event can ask questions.")
        # Someone waiting may never get a place, and the Q&A is for the people taking part;
        # where the organisers let anyone ask, a waiting-list place is as good as anyone's.
        if registration.is_waiting and event.qa_askers != QuestionAskers.ANYONE:
            return _(
                "You are on the waiting list. If you get a place, you can send questions for "
                "the Q&A from your ticket page."
            )
        return None
    if event.qa_askers != QuestionAskers.ANYONE:
        return _("Only people with a ticket can ask questions. Ask from your ticket page.")
    return None


def event_page_closed_reason(event: Event, *, now: datetime) -> str | None:
    """What the public event page says about asking there, or None to offer the form.

    Where only ticket holders ask, a published event's page points them to their ticket
    page (the page does that itself) rather than giving the refusal meant for someone
    asking from the event page.
    """
    if event.qa_askers != QuestionAskers.ANYONE and event.status == EventStatus.PUBLISHED:
        return None
    return asking_closed_reason(event, now=now)


def ask_question(
    event: Event,
    body: str,
    *,
    display_name: str | None = None,
    registration: Registration | None = None,
    browser_id: str | None = None,
    now: datetime,
) -> Question:
    """Add a question to the moderation queue; nothing is public until a moderator approves it."""
    reason = asking_closed_reason(event, registration=registration, now=now)
    if reason:
        raise NotAllowed(reason)
    body = (body or "").strip()
    display_name = (display_name or "").strip() or None
    if not body:
        raise InvalidInput(_("Enter your question"))
    if len(body) > QUESTION_MAX_LENGTH:
        raise InvalidInput(
            _("Your question must be %(max)d characters or fewer", max=QUESTION_MAX_LENGTH)
        )
    if display_name and len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name to show must be %(max)d characters or fewer", max=DISPLAY_NAME_MAX_LENGTH)
        )
    if registration is not None:
        asker_key = ticket_key(registration)
    elif browser_id:
        asker_key = browser_key(browser_id)
    else:
        asker_key = None
    question = Question(
        event_id=event.id,
        body=body,
        display_name=display_name,
        status=QuestionStatus.PENDING,
        asker_key=asker_key,
        flags=",".join(find_personal_details(f"{body}\n{display_name or ''}")),
        created_at=coarse_time(now),
    )
    db.session.add(question)
    db.session.flush()
    return question


def coarse_time(now: datetime) -> datetime:
    """When a question was asked, to the hour: exact, it would match the moment of the sign-up
    it came with, and so name the asker to anyone reading the database."""
    return now.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class FirstQuestion:
    """What became of the question typed on the sign-up form."""

    question: Question | None = None
    # Why it was not sent, in plain words; None when it was sent. The sign-up page does not
    # show it (it would tell a new address from one already signed up).
    not_sent_reason: str | None = None


def ask_first_question(registration: Registration, body: str, *, now: datetime) -> FirstQuestion:
    """Send the question typed on the sign-up form; a ticket is never refused because of it.

    A question that cannot be sent is not kept for later (it may hold personal details, and
    the person may never get a place); the reason is returned to the caller.
    """
    if not (body or "").strip():
        return FirstQuestion()
    try:
        question = ask_question(registration.event, body, registration=registration, now=now)
    except NclwError as error:
        return FirstQuestion(
            not_sent_reason=_("We did not send your question. %(reason)s", reason=error.message)
        )
    return FirstQuestion(question=question)


def questions_asked_by(event: Event, asker_key: str) -> list[Question]:
    """The questions one asker sent to one event, newest first, withdrawn ones left out."""
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(
                Question.event_id == event.id,
                Question.asker_key == asker_key,
                Question.status != QuestionStatus.WITHDRAWN,
            )
            .order_by(Question.id.desc())
        )
    )


def may_withdraw(question: Question) -> bool:
    """Whether a question can still be taken back: only while it is waiting or approved."""
    return question.status in _WITHDRAWABLE


def withdraw_question(question: Question, *, asker_key: str, now: datetime) -> Question:
    """Let the asker take back their question while it has not been answered."""
    if not same_key(question.asker_key, asker_key):
        raise Forbidden(_("You can only withdraw your own questions."))
    if not may_withdraw(question):
        raise NotAllowed(_("This question cannot be withdrawn now."))
    question.status = QuestionStatus.WITHDRAWN
    question.pinned = False
    question.moderated_at = now
    return question


def withdraw_ticket_questions(registration: Registration, *, now: datetime) -> int:
    """For a person deleting their details: withdraw every question their ticket sent, answered
    ones too, and forget the name shown with them. Returns how many were withdrawn.

    Must run while the ticket still has its token: the questions are found by it.
    """
    questions = db.session.scalars(
        sa.select(Question).where(
            Question.event_id == registration.event_id,
            Question.asker_key == ticket_key(registration),
        )
    ).all()
    withdrawn = 0
    for question in questions:
        if question.status not in (QuestionStatus.WITHDRAWN, QuestionStatus.REJECTED):
            question.status = QuestionStatus.WITHDRAWN
            question.pinned = False
            question.moderated_at = now
            withdrawn += 1
        question.display_name = None
        question.asker_key = None
    return withdrawn
