"""Moderating: who may moderate, which moves each question offers, and making them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.accounts.models import User
from nclw.accounts.permissions import can_change_qa_settings, can_moderate_questions
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NeedsConfirmation, NotAllowed, required_text
from nclw.events.models import Event, QuestionAskers
from nclw.extensions import db
from nclw.questions.models import QUESTION_MAX_LENGTH, Question, QuestionStatus
from nclw.questions.personal_details import describe, find_personal_details

S = QuestionStatus
# Which moves a moderator may make, from each state. Pin and unpin also depend on whether the
# question is pinned now (see `move_refusal`).
_MOVES_FROM: dict[str, frozenset[QuestionStatus]] = {
    "approve": frozenset({S.PENDING}),
    "unpin": frozenset({S.APPROVED}),
    "pin": frozenset({S.APPROVED}),
    "answer": frozenset({S.APPROVED}),
    "edit": frozenset({S.PENDING, S.APPROVED}),
    "reject": frozenset({S.PENDING, S.APPROVED}),
}
# Why a move is refused in a state, one whole sentence for each move; %(state)s is the
# state's label, lower-cased.
_REFUSALS = {
    "approve": _l("You cannot approve a question that is %(state)s."),
    "unpin": _l("You cannot unpin a question that is %(state)s."),
    "pin": _l("You cannot pin a question that is %(state)s."),
    "answer": _l("You cannot mark as answered a question that is %(state)s."),
    "edit": _l("You cannot edit a question that is %(state)s."),
    "reject": _l("You cannot reject a question that is %(state)s."),
}
# The moderation queue's buttons, in the order they are shown (the dict's order).
_QUEUE_LABELS = {
    "approve": _l("Approve"),
    "unpin": _l("Unpin"),
    "pin": _l("Pin as answering now"),
    "answer": _l("Mark answered"),
    "edit": _l("Edit"),
    "reject": _l("Reject"),
}


@dataclass(frozen=True)
class Move:
    """One thing a moderator can do to a question now, as the page offers it."""

    # The move posted to the moderation address ("approve", "pin"...), or "edit".
    action: str
    # The button's words; pages add "question N" for screen readers, as each page numbers them.
    label: str
    # "post" for a button that makes the move; "get" for a link to a page of its own (edit).
    method: str = "post"
    # Hard to undo (rejecting), drawn as a warning button.
    warning: bool = False


def move_refusal(question: Question, move: str) -> str | None:
    """Why this move cannot be made to the question in its state now, or None when it can.

    Pending questions can be approved, edited or rejected; approved ones pinned (or unpinned,
    when pinned), marked answered, edited or rejected; answered, rejected and withdrawn ones
    are closed. Only one question is pinned at a time, so pinning the pinned one is refused.
    """
    if move == "unpin" and not question.pinned:
        return _("This question is not pinned.")
    if move == "pin" and question.pinned:
        return _("This question is already pinned.")
    if question.status not in _MOVES_FROM[move]:
        return str(_REFUSALS[move]) % {"state": question.status.label.lower()}
    return None


def allowed_moves(question: Question) -> list[Move]:
    """The moves the moderation queue offers for this question, in the order it shows them."""
    return [
        Move(
            action,
            str(label),
            method="get" if action == "edit" else "post",
            warning=action == "reject",
        )
        for action, label in _QUEUE_LABELS.items()
        if move_refusal(question, action) is None
    ]


def approval_warning(question: Question) -> str | None:
    """What a moderator must confirm before publishing this question, or None.

    A question that seems to hold a personal detail (a phone number, an address) is published
    only after a moderator has edited it or has said yes a second time: one click must not
    put a young person's phone number on a projector.
    """
    if not question.flag_list or question.edited_at is not None:
        return None
    return _(
        "This question may contain %(details)s. Publish anyway?",
        details=describe(question.flag_list),
    )


def may_approve_in_bulk(question: Question) -> bool:
    """A waiting question may be approved with others only when it needs no second look."""
    return move_refusal(question, "approve") is None and approval_warning(question) is None


def offers_bulk_approval(status: QuestionStatus) -> bool:
    """Whether the list of questions in this state offers approving many at once."""
    return status in _MOVES_FROM["approve"]


def _check_move(question: Question, move: str, actor: User) -> None:
    if not can_moderate_questions(actor, question.event):
        raise Forbidden(_("You cannot moderate this event's questions."))
    reason = move_refusal(question, move)
    if reason:
        raise NotAllowed(reason)


def _audit(
    action: AuditAction, question: Question, actor: User, now: datetime, summary: str
) -> None:
    # The summary never holds the question's text: it may contain what was taken out.
    record_action(action, actor=actor, target=question, summary=summary, now=now)


def approve_question(
    question: Question, *, actor: User, now: datetime, confirmed: bool = False
) -> Question:
    """Make a waiting question public (it can then be voted on and answered).

    One with an `approval_warning` needs `confirmed`, the moderator's second yes.
    """
    _check_move(question, "approve", actor)
    warning = approval_warning(question)
    if warning and not confirmed:
        raise NeedsConfirmation(warning)
    question.status = QuestionStatus.APPROVED
    question.moderated_at = now
    summary = f"Approved question {question.id}"
    if warning:
        summary += f" (confirmed despite: {', '.join(question.flag_list)})"
    _audit(AuditAction.QUESTION_APPROVED, question, actor, now, summary)
    return question


def reject_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Keep a question off every public list."""
    _check_move(question, "reject", actor)
    question.status = QuestionStatus.REJECTED
    question.pinned = False
    question.moderated_at = now
    _audit(AuditAction.QUESTION_REJECTED, question, actor, now, f"Rejected question {question.id}")
    return question


def edit_question(
    question: Question, body: str, *, actor: User, now: datetime, and_approve: bool = False
) -> Question:
    """Change a question's words (to take out a personal detail); records that, not what.

    With `and_approve`, a question still waiting is approved too (if its words still need a
    second look, `approve_question` asks for it); one a moderator has approved meanwhile
    simply keeps its new words.
    """
    _check_move(question, "edit", actor)
    body = required_text(body, _("Enter the question"))
    if len(body) > QUESTION_MAX_LENGTH:
        raise InvalidInput(
            _("The question must be %(max)d characters or fewer", max=QUESTION_MAX_LENGTH)
        )
    if body != question.body:
        before = question.flag_list
        question.body = body
        question.flags = ",".join(find_personal_details(f"{body}\n{question.display_name or ''}"))
        question.edited_at = now
        removed = sorted(set(before) - set(question.flag_list))
        summary = f"Edited the words of question {question.id}"
        if removed:
            summary += f" (took out: {', '.join(removed)})"
        _audit(AuditAction.QUESTION_EDITED, question, actor, now, summary)
    if and_approve and move_refusal(question, "approve") is None:
        approve_question(question, actor=actor, now=now)
    return question


def mark_answered(question: Question, *, actor: User, now: datetime) -> Question:
    """Record that an approved question has been answered (and stop showing it as pinned)."""
    _check_move(question, "answer", actor)
    question.status = QuestionStatus.ANSWERED
    question.pinned = False
    question.answered_at = now
    _audit(
        AuditAction.QUESTION_ANSWERED,
        question,
        actor,
        now,
        f"Marked question {question.id} answered",
    )
    return question


def pin_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Show this question as the one being answered now; only one per event is pinned."""
    _check_move(question, "pin", actor)
    # Two moderators pinning at once queue on the event's row instead of tripping the
    # one-pinned-per-event index.
    db.session.execute(sa.select(Event.id).where(Event.id == question.event_id).with_for_update())
    db.session.execute(
        sa.update(Question)
        .where(Question.event_id == question.event_id, Question.pinned.is_(True))
        .values(pinned=False)
        .execution_options(synchronize_session="fetch")
    )
    question.pinned = True
    db.session.flush()
    _audit(AuditAction.QUESTION_PINNED, question, actor, now, f"Pinned question {question.id}")
    return question


def unpin_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Stop showing the question as the one being answered."""
    _check_move(question, "unpin", actor)
    question.pinned = False
    _audit(AuditAction.QUESTION_UNPINNED, question, actor, now, f"Unpinned question {question.id}")
    return question


def approve_questions(
    event: Event, question_ids: Iterable[int], *, actor: User, now: datetime
) -> int:
    """Approve many waiting questions at once; flagged ones are skipped (they need a look)."""
    if not can_moderate_questions(actor, event):
        raise Forbidden(_("You cannot moderate this event's questions."))
    ids = {int(i) for i in question_ids}
    if not ids:
        raise InvalidInput(_("Select the questions to approve"))
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.event_id == event.id, Question.id.in_(ids))
        .order_by(Question.id)
    ).all()
    chosen = [question for question in questions if may_approve_in_bulk(question)]
    for question in chosen:
        approve_question(question, actor=actor, now=now)
    return len(chosen)


def update_qa_settings(
    event: Event,
    *,
    enabled: bool,
    askers: QuestionAskers,
    public_list: bool,
    partner_moderates: bool,
    actor: User,
    now: datetime,
) -> Event:
    """Turn Q&A on or off and say who may ask, who moderates and whether the list is public."""
    if not can_change_qa_settings(actor):
        raise Forbidden(_("Only organisers can change the Q&A settings."))
    event.qa_enabled = enabled
    event.qa_askers = QuestionAskers(askers)
    event.qa_public_list = public_list
    event.partner_moderates = partner_moderates
    record_action(
        AuditAction.EVENT_QA_SETTINGS_CHANGED,
        actor=actor,
        target=event,
        summary=(
            f"Q&A {'on' if enabled else 'off'}, askers {event.qa_askers.value}, "
            f"public list {'on' if public_list else 'off'}, "
            f"partner moderates {'on' if partner_moderates else 'off'}"
        ),
        now=now,
    )
    return event
