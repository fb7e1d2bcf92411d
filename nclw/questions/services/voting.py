"""Voting: who may vote on which question, and counting each vote once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nclw.errors import Forbidden, NclwError, NotAllowed
from nclw.events.models import Event, QuestionAskers
from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus, QuestionVote
from nclw.questions.services.keys import browser_key, ticket_key
from nclw.registrations.models import Registration


def ticket_may_vote(registration: Registration) -> bool:
    """Whether this ticket may vote: while the event takes questions, the same people who may
    ask through it (not cancelled; a waiting-list place only where anyone may ask)."""
    event = registration.event
    if not event.qa_enabled or registration.is_cancelled:
        return False
    return not registration.is_waiting or event.qa_askers == QuestionAskers.ANYONE


def browser_may_vote(event: Event) -> bool:
    """Whether votes without a ticket count: only where anyone may ask and the list is public,
    so nobody votes for questions they could not see."""
    return event.qa_enabled and event.qa_askers == QuestionAskers.ANYONE and event.qa_public_list


def check_browser_voting(event: Event) -> None:
    """Refuse a vote without a ticket where the event does not take them."""
    if not browser_may_vote(event):
        raise NotAllowed("Only people with a ticket can vote. Vote from your ticket page.")


def _closed_to_votes(question: Question) -> NotAllowed | None:
    # Only questions on the public list take votes; waiting, answered or closed ones do not.
    if question.status != QuestionStatus.APPROVED:
        return NotAllowed("You can only vote for questions that are waiting to be answered.")
    return None


def vote_refusal(
    question: Question, *, registration: Registration | None = None
) -> NclwError | None:
    """Why this ticket (or, without one, this browser) may not vote for this question, or None.

    With a ticket: only for its own event's questions, and only if `ticket_may_vote`. Without
    one: only where `browser_may_vote`. Either way only approved questions, those waiting to be
    answered, take votes. (One vote per voter is counted by `vote_for_question`.)
    """
    if registration is not None:
        if question.event_id != registration.event_id:
            return Forbidden("You can only vote for questions about your own event.")
        if not registration.event.qa_enabled:
            return NotAllowed("This event is not taking questions.")
        if not ticket_may_vote(registration):
            return Forbidden("Only people with a place at this event can vote.")
    elif not browser_may_vote(question.event):
        return NotAllowed("Only people with a ticket can vote. Vote from your ticket page.")
    return _closed_to_votes(question)


def may_vote(question: Question, *, registration: Registration | None = None) -> bool:
    """Whether this ticket (or a browser, without one) may vote for this question."""
    return vote_refusal(question, registration=registration) is None


def vote_for_question(question: Question, *, voter_key: str) -> Question:
    """Add one vote from this ticket or browser to an approved question."""
    closed = _closed_to_votes(question)
    if closed:
        raise closed
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


def cast_vote(
    question: Question,
    *,
    registration: Registration | None = None,
    browser_id: str | None = None,
) -> Question:
    """Vote for a question with a ticket, or with a browser's id where the event allows it."""
    refusal = vote_refusal(question, registration=registration)
    if refusal:
        raise refusal
    if registration is not None:
        voter_key = ticket_key(registration)
    elif browser_id:
        voter_key = browser_key(browser_id)
    else:
        raise NotAllowed("Only people with a ticket can vote. Vote from your ticket page.")
    return vote_for_question(question, voter_key=voter_key)


def voted_question_ids(event: Event, voter_key: str) -> set[int]:
    """The questions of this event a ticket or browser has voted for."""
    return set(
        db.session.scalars(
            sa.select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.event_id == event.id, QuestionVote.voter_key == voter_key)
        )
    )
