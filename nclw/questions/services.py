"""The rules for asking, moderating and answering questions."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from nclw.accounts.models import User
from nclw.accounts.permissions import can_manage_event
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NclwError, NotAllowed
from nclw.events.models import Event, EventStatus, QuestionAskers
from nclw.exports import csv_stream, neutralise
from nclw.extensions import db
from nclw.questions.models import (
    DISPLAY_NAME_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Question,
    QuestionStatus,
    QuestionVote,
)
from nclw.questions.personal_details import find_personal_details
from nclw.registrations.models import Registration

S = QuestionStatus
# Which moves a moderator may make, from each state.
_MODERATION_MOVES: dict[str, set[QuestionStatus]] = {
    "approve": {S.PENDING},
    "reject": {S.PENDING, S.APPROVED},
    "answer": {S.APPROVED},
    "pin": {S.APPROVED},
    "edit": {S.PENDING, S.APPROVED},
}
_MOVE_WORDS = {
    "approve": "approve",
    "reject": "reject",
    "answer": "mark as answered",
    "pin": "pin",
    "edit": "edit",
}


# --- who is asking -----------------------------------------------------------------------------


def _keyed_hash(purpose: str, secret: str) -> str:
    """HMAC-SHA256 of a secret only the asker holds; the key never leaves the server."""
    config = current_app.config
    key = config.get("QUESTION_ASKER_KEY") or config.get("TOKEN_HASH_KEY") or config["SECRET_KEY"]
    return hmac.new(key.encode(), f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()


def ticket_key(registration: Registration) -> str:
    """The asker/voter key for a ticket: derived from its manage token, never stored with it."""
    return _keyed_hash("ticket", registration.manage_token)


def flags_for_text(text: str) -> list[str]:
    """The kinds of personal detail a question's words seem to contain."""
    return find_personal_details(text)


def browser_key(browser_id: str) -> str:
    """The asker/voter key for a browser's random id, where anyone may ask."""
    return _keyed_hash("browser", browser_id)


def can_moderate_questions(user: User, event: Event) -> bool:
    """Organisers moderate every event; a host partner only when the organisers allow it."""
    if not can_manage_event(user, event):
        return False
    return user.is_organiser or event.partner_moderates


def asking_closed_reason(
    event: Event, *, registration: Registration | None = None, now: datetime
) -> str | None:
    """Why this person cannot ask a question now, in plain words, or None when they can."""
    if not event.qa_enabled:
        return "This event is not taking questions."
    if event.status != EventStatus.PUBLISHED:
        return "This event is not taking questions."
    if now >= event.ends_at:
        return "This event has finished, so it is no longer taking questions."
    if registration is not None:
        if registration.event_id != event.id or registration.is_cancelled:
            return "Only people with a ticket for this event can ask questions."
        # Someone waiting may never get a place, and the Q&A is for the people taking part;
        # where the organisers let anyone ask, a waiting-list place is as good as anyone's.
        if registration.is_waiting and event.qa_askers != QuestionAskers.ANYONE:
            return (
                "You are on the waiting list. If you get a place, you can send questions for "
                "the Q&A from your ticket page."
            )
        return None
    if event.qa_askers != QuestionAskers.ANYONE:
        return "Only people with a ticket can ask questions. Ask from your ticket page."
    return None


# --- asking ------------------------------------------------------------------------------------


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
        raise InvalidInput("Enter your question")
    if len(body) > QUESTION_MAX_LENGTH:
        raise InvalidInput(f"Your question must be {QUESTION_MAX_LENGTH} characters or fewer")
    if display_name and len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(
            f"The name to show must be {DISPLAY_NAME_MAX_LENGTH} characters or fewer"
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
        created_at=now,
    )
    db.session.add(question)
    db.session.flush()
    return question


@dataclass(frozen=True)
class FirstQuestion:
    """What became of the question typed on the sign-up form."""

    question: Question | None = None
    # Why it was not sent, in words fit to show the person; None when it was sent.
    not_sent_reason: str | None = None


def ask_first_question(registration: Registration, body: str, *, now: datetime) -> FirstQuestion:
    """Send the question typed on the sign-up form; a ticket is never refused because of it.

    A question that cannot be sent is not kept for later (it may hold personal details, and
    the person may never get a place): the reason is returned so the person can be told.
    """
    if not (body or "").strip():
        return FirstQuestion()
    try:
        question = ask_question(registration.event, body, registration=registration, now=now)
    except NclwError as error:
        return FirstQuestion(not_sent_reason=f"We did not send your question. {error.message}")
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


def withdraw_question(question: Question, *, asker_key: str, now: datetime) -> Question:
    """Let the asker take back their question while it has not been answered."""
    if not question.asker_key or not hmac.compare_digest(question.asker_key, asker_key):
        raise Forbidden("You can only withdraw your own questions.")
    if question.status not in (S.PENDING, S.APPROVED):
        raise NotAllowed("This question cannot be withdrawn now.")
    question.status = QuestionStatus.WITHDRAWN
    question.pinned = False
    question.moderated_at = now
    return question


# --- moderating --------------------------------------------------------------------------------


def _check_move(question: Question, move: str, actor: User) -> None:
    if not can_moderate_questions(actor, question.event):
        raise Forbidden("You cannot moderate this event's questions.")
    if question.status not in _MODERATION_MOVES[move]:
        raise NotAllowed(
            f"You cannot {_MOVE_WORDS[move]} a question that is {question.status.label.lower()}."
        )


def _audit(action: str, question: Question, actor: User, now: datetime, summary: str) -> None:
    # The summary never holds the question's text: it may contain what was taken out.
    record_action(f"question.{action}", actor=actor, target=question, summary=summary, now=now)


def approve_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Make a waiting question public (it can then be voted on and answered)."""
    _check_move(question, "approve", actor)
    question.status = QuestionStatus.APPROVED
    question.moderated_at = now
    _audit("approved", question, actor, now, f"Approved question {question.id}")
    return question


def reject_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Keep a question off every public list."""
    _check_move(question, "reject", actor)
    question.status = QuestionStatus.REJECTED
    question.pinned = False
    question.moderated_at = now
    _audit("rejected", question, actor, now, f"Rejected question {question.id}")
    return question


def edit_question(question: Question, body: str, *, actor: User, now: datetime) -> Question:
    """Change a question's words (to take out a personal detail); records that, not what."""
    _check_move(question, "edit", actor)
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Enter the question")
    if len(body) > QUESTION_MAX_LENGTH:
        raise InvalidInput(f"The question must be {QUESTION_MAX_LENGTH} characters or fewer")
    if body == question.body:
        return question
    before = question.flag_list
    question.body = body
    question.flags = ",".join(find_personal_details(f"{body}\n{question.display_name or ''}"))
    question.edited_at = now
    removed = sorted(set(before) - set(question.flag_list))
    summary = f"Edited the words of question {question.id}"
    if removed:
        summary += f" (took out: {', '.join(removed)})"
    _audit("edited", question, actor, now, summary)
    return question


def mark_answered(question: Question, *, actor: User, now: datetime) -> Question:
    """Record that an approved question has been answered (and stop showing it as pinned)."""
    _check_move(question, "answer", actor)
    question.status = QuestionStatus.ANSWERED
    question.pinned = False
    question.answered_at = now
    _audit("answered", question, actor, now, f"Marked question {question.id} answered")
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
    _audit("pinned", question, actor, now, f"Pinned question {question.id}")
    return question


def unpin_question(question: Question, *, actor: User, now: datetime) -> Question:
    """Stop showing the question as the one being answered."""
    if not can_moderate_questions(actor, question.event):
        raise Forbidden("You cannot moderate this event's questions.")
    if not question.pinned:
        raise NotAllowed("This question is not pinned.")
    question.pinned = False
    _audit("unpinned", question, actor, now, f"Unpinned question {question.id}")
    return question


def approve_questions(
    event: Event, question_ids: Iterable[int], *, actor: User, now: datetime
) -> int:
    """Approve many waiting questions at once; flagged ones are skipped (they need a look)."""
    if not can_moderate_questions(actor, event):
        raise Forbidden("You cannot moderate this event's questions.")
    ids = {int(i) for i in question_ids}
    if not ids:
        raise InvalidInput("Select the questions to approve")
    questions = db.session.scalars(
        sa.select(Question).where(
            Question.event_id == event.id,
            Question.id.in_(ids),
            Question.status == QuestionStatus.PENDING,
            Question.flags == "",
        )
    ).all()
    for question in questions:
        approve_question(question, actor=actor, now=now)
    return len(questions)


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
    if not actor.is_organiser:
        raise Forbidden("Only organisers can change the Q&A settings.")
    event.qa_enabled = enabled
    event.qa_askers = QuestionAskers(askers)
    event.qa_public_list = public_list
    event.partner_moderates = partner_moderates
    record_action(
        "event.qa_settings",
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


# --- live --------------------------------------------------------------------------------------


def ticket_may_vote(registration: Registration) -> bool:
    """Whether this ticket may vote: the same people who may ask through it."""
    if registration.is_cancelled:
        return False
    return not registration.is_waiting or registration.event.qa_askers == QuestionAskers.ANYONE


def vote_for_question(question: Question, *, voter_key: str) -> Question:
    """Add one vote from this ticket or browser to an approved question."""
    if question.status != QuestionStatus.APPROVED:
        raise NotAllowed("You can only vote for questions that are waiting to be answered.")
    already = db.session.scalar(
        sa.select(QuestionVote.id).where(
            QuestionVote.question_id == question.id, QuestionVote.voter_key == voter_key
        )
    )
    if already:
        raise NotAllowed("You have already voted for this question.")
    db.session.add(QuestionVote(question_id=question.id, voter_key=voter_key))
    try:
        db.session.flush()
    except IntegrityError:
        # Two clicks raced; the unique constraint let only one vote in.
        db.session.rollback()
        raise NotAllowed("You have already voted for this question.") from None
    # A guarded UPDATE, so simultaneous votes are all counted.
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question.id)
        .values(vote_count=Question.vote_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(question)
    return question


def check_browser_voting(event: Event) -> None:
    """Votes without a ticket count only where anyone may ask and the list is public."""
    if not (event.qa_enabled and event.qa_askers == QuestionAskers.ANYONE and event.qa_public_list):
        raise NotAllowed("Only people with a ticket can vote. Vote from your ticket page.")


def voted_question_ids(event: Event, voter_key: str) -> set[int]:
    """The questions of this event a ticket or browser has voted for."""
    return set(
        db.session.scalars(
            sa.select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.event_id == event.id, QuestionVote.voter_key == voter_key)
        )
    )


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
    event: Event, *, upcoming: int = 5
) -> tuple[Question | None, list[Question]]:
    """The pinned question (if any) and the next ones to answer."""
    live = live_questions(event)
    pinned = next((q for q in live if q.pinned), None)
    return pinned, [q for q in live if not q.pinned][:upcoming]


# --- the queue ---------------------------------------------------------------------------------


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


# --- retention --------------------------------------------------------------------------------


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


# --- export ------------------------------------------------------------------------------------


def export_questions_csv(event: Event, *, actor: User, now: datetime) -> bytes:
    """The event's used questions as CSV, once it has ended: words, state and votes, no identity."""
    if not can_moderate_questions(actor, event):
        raise Forbidden("You cannot export this event's questions.")
    if now < event.ends_at:
        raise NotAllowed("You can export the questions once the event has finished.")
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
        "event.questions_exported", actor=actor, target=event, summary="Exported questions", now=now
    )
    return body
