"""A host proposes a sign-up question for its own session; an organiser reviews it.

As with every other change to a live session (partners.session_changes), nothing the host
proposes reaches the sign-up form until an organiser approves it. A question that may ask for
sensitive details comes with a warning the reviewer must confirm they have read.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.accounts.permissions import can_host, is_active_organiser
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.registrations.question_setup import (
    QuestionDetails,
    add_question,
    check_room,
    next_position,
    sensitive_warning,
    topics_of,
)
from nclw.registrations.sign_up_questions import SignUpQuestion


def propose_question(
    event: Event, details: QuestionDetails, *, actor: User, now: datetime
) -> SignUpQuestion:
    """The host asks for a question to be added; it waits for an organiser."""
    if not can_host(actor, event):
        raise Forbidden(_("Only the organisation hosting this session can do that."))
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("This session has been cancelled, so it cannot be changed."))
    question = add_question(event, details, actor=actor, now=now, awaiting_review=True)
    record_action(
        AuditAction.SESSION_CHANGE_REQUESTED,
        actor=actor,
        target=event,
        summary=f"asked to add the sign-up question \u201c{question.label}\u201d",
        now=now,
    )
    return question


def awaiting_review(event: Event) -> list[SignUpQuestion]:
    """The questions the host proposed for this event that no organiser has decided on."""
    return list(
        db.session.scalars(
            sa.select(SignUpQuestion)
            .where(SignUpQuestion.event_id == event.id, SignUpQuestion.awaiting_review)
            .order_by(SignUpQuestion.id)
        )
    )


def _check_reviewer(actor: User) -> None:
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can review changes to sessions."))


def _check_waiting(question: SignUpQuestion) -> None:
    if not question.awaiting_review:
        raise NotAllowed(_("This question is no longer waiting for review."))


def approve_question(
    question: SignUpQuestion, *, warning_read: bool, actor: User, now: datetime
) -> None:
    """Start asking a proposed question. One that may ask for sensitive details is approved
    only once the reviewer confirms they read the warning."""
    _check_reviewer(actor)
    _check_waiting(question)
    topics = topics_of(question)
    if topics and not warning_read:
        raise InvalidInput(
            _(
                "%(warning)s Tick the box to say you have read this warning.",
                warning=sensitive_warning(topics),
            )
        )
    check_room(question.event)
    # Guarded: two reviewers at once cannot both approve, nor one approve what the other
    # declined.
    if not guarded_update(
        SignUpQuestion,
        SignUpQuestion.id == question.id,
        SignUpQuestion.awaiting_review,
        awaiting_review=False,
        position=next_position(question.event),
    ):
        raise NotAllowed(_("This question is no longer waiting for review."))
    db.session.refresh(question)
    record_action(
        AuditAction.SESSION_CHANGE_APPROVED,
        actor=actor,
        target=question.event,
        summary=f"sign-up question \u201c{question.label}\u201d"
        + (f"; sensitive ({', '.join(topics)}), warning read" if topics else ""),
        now=now,
    )


def decline_question(question: SignUpQuestion, *, actor: User, now: datetime) -> None:
    """Say no to a proposed question: it was never asked, so it is deleted."""
    _check_reviewer(actor)
    _check_waiting(question)
    record_action(
        AuditAction.SESSION_CHANGE_DECLINED,
        actor=actor,
        target=question.event,
        summary=f"sign-up question \u201c{question.label}\u201d",
        now=now,
    )
    db.session.delete(question)
