"""Voting: who may vote on which question, and counting each vote once."""

from __future__ import annotations

import ipaddress

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nclw.errors import Forbidden, NclwError, NotAllowed
from nclw.events.models import Event, QuestionAskers
from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus, QuestionVote
from nclw.questions.services.keys import browser_key, ticket_key, vote_address_key
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
        raise NotAllowed(_("Only people with a ticket can vote. Vote from your ticket page."))


def _closed_to_votes(question: Question) -> NotAllowed | None:
    # Only questions on the public list take votes; waiting, answered or closed ones do not.
    if question.status != QuestionStatus.APPROVED:
        return NotAllowed(_("You can only vote for questions that are waiting to be answered."))
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
            return Forbidden(_("You can only vote for questions about your own event."))
        if not registration.event.qa_enabled:
            return NotAllowed(_("This event is not taking questions."))
        if not ticket_may_vote(registration):
            return Forbidden(_("Only people with a place at this event can vote."))
    elif not browser_may_vote(question.event):
        return NotAllowed(_("Only people with a ticket can vote. Vote from your ticket page."))
    return _closed_to_votes(question)


def may_vote(question: Question, *, registration: Registration | None = None) -> bool:
    """Whether this ticket (or a browser, without one) may vote for this question."""
    return vote_refusal(question, registration=registration) is None


def voting_network(address: str | None) -> str:
    """The network one voter is taken to be on: the IPv4 address, or the IPv6 /64.

    One IPv6 connection is given a whole /64 and can pick a new address in it at will.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        # Without an address (or with one we cannot read) all such votes share one bound.
        return address or "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _check_address_bound(question: Question, address_key: str, bound: int) -> None:
    # Lock the question first, so simultaneous votes from one address are counted in turn.
    db.session.execute(sa.select(Question.id).where(Question.id == question.id).with_for_update())
    from_address = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QuestionVote)
        .where(QuestionVote.question_id == question.id, QuestionVote.address_key == address_key)
    )
    if from_address >= bound:
        raise NotAllowed(
            _("We cannot count more votes for this question from your internet connection.")
        )


def vote_for_question(
    question: Question,
    *,
    voter_key: str,
    address_key: str | None = None,
    address_bound: int | None = None,
) -> Question:
    """Add one vote from this ticket or browser to an approved question.

    With `address_key`, at most `address_bound` votes with that key are counted.
    """
    closed = _closed_to_votes(question)
    if closed:
        raise closed
    already = db.session.scalar(
        sa.select(QuestionVote.id).where(
            QuestionVote.question_id == question.id, QuestionVote.voter_key == voter_key
        )
    )
    if already:
        raise NotAllowed(_("You have already voted for this question."))
    if address_key is not None and address_bound is not None:
        _check_address_bound(question, address_key, address_bound)
    db.session.add(
        QuestionVote(question_id=question.id, voter_key=voter_key, address_key=address_key)
    )
    try:
        db.session.flush()
    except IntegrityError:
        # Two clicks raced; the unique constraint let only one vote in.
        db.session.rollback()
        raise NotAllowed(_("You have already voted for this question.")) from None
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
    address: str | None = None,
) -> Question:
    """Vote for a question with a ticket, or with a browser's id where the event allows it.

    A browser id is free to make (drop the cookie, get another), so votes without a ticket
    are also bounded per network `address`: at most QUESTION_VOTES_PER_ADDRESS on one
    question. A ticket is a person's place, so its vote is never refused for its address.
    """
    refusal = vote_refusal(question, registration=registration)
    if refusal:
        raise refusal
    if registration is not None:
        return vote_for_question(question, voter_key=ticket_key(registration))
    if not browser_id:
        raise NotAllowed(_("Only people with a ticket can vote. Vote from your ticket page."))
    return vote_for_question(
        question,
        voter_key=browser_key(browser_id),
        address_key=vote_address_key(question.id, voting_network(address)),
        address_bound=current_app.config["QUESTION_VOTES_PER_ADDRESS"],
    )


def voted_question_ids(event: Event, voter_key: str) -> set[int]:
    """The questions of this event a ticket or browser has voted for."""
    return set(
        db.session.scalars(
            sa.select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.event_id == event.id, QuestionVote.voter_key == voter_key)
        )
    )
