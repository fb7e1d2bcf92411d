"""The moves each question offers moderators, and who may vote on which question.

Tested without a request: the queue and the vote buttons only show what
these rules give them, and the services refuse what they leave out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from nclw.accounts.models import Role
from nclw.errors import Forbidden, NclwError, NotAllowed
from nclw.events.models import EventStatus, QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionStatus
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration, make_user
from tests.questions.helpers import approved, asked, qa_event

NOW = utcnow().replace(microsecond=0)
S = QuestionStatus

# What the moderation queue offers, by state and whether the question is pinned. The database
# pins only approved questions; the other pinned rows show a stray flag changes nothing.
QUEUE_MOVES = {
    (S.PENDING, False): ["approve", "edit", "reject"],
    (S.PENDING, True): ["approve", "edit", "reject"],
    (S.APPROVED, False): ["pin", "answer", "edit", "reject"],
    (S.APPROVED, True): ["unpin", "answer", "edit", "reject"],
    (S.ANSWERED, False): [],
    (S.ANSWERED, True): [],
    (S.REJECTED, False): [],
    (S.REJECTED, True): [],
    (S.WITHDRAWN, False): [],
    (S.WITHDRAWN, True): [],
}
LABELS = {
    "approve": "Approve",
    "unpin": "Unpin",
    "pin": "Pin as answering now",
    "answer": "Mark answered",
    "edit": "Edit",
    "reject": "Reject",
}
SERVICES = {
    "approve": services.approve_question,
    "unpin": services.unpin_question,
    "pin": services.pin_question,
    "answer": services.mark_answered,
    "reject": services.reject_question,
}


def _question(status: QuestionStatus, *, pinned: bool = False, flags: str = "") -> Question:
    # Never added to a session: the move rules read only the question's own fields.
    return Question(status=status, pinned=pinned, flags=flags, body="Why?")


# --- moderation moves --------------------------------------------------------------------------


def test_every_state_is_covered() -> None:
    assert {status for status, _ in QUEUE_MOVES} == set(QuestionStatus)


@pytest.mark.parametrize(("status", "pinned"), list(QUEUE_MOVES))
def test_allowed_moves_for_each_state(status, pinned) -> None:
    moves = services.allowed_moves(_question(status, pinned=pinned))
    assert [move.action for move in moves] == QUEUE_MOVES[status, pinned]
    assert all(move.label == LABELS[move.action] for move in moves)


def test_edit_is_a_page_of_its_own_and_reject_a_warning() -> None:
    moves = {move.action: move for move in services.allowed_moves(_question(S.PENDING))}
    assert moves["edit"].method == "get"
    assert moves["approve"].method == moves["reject"].method == "post"
    assert moves["reject"].warning and not moves["approve"].warning


def test_a_move_is_a_value() -> None:
    move = services.allowed_moves(_question(S.PENDING))[0]
    with pytest.raises(AttributeError):
        move.action = "reject"
    assert move == services.Move("approve", "Approve")


@pytest.mark.parametrize(
    ("status", "flags", "expected"),
    [
        (S.PENDING, "", True),
        (S.PENDING, "phone number", False),
        (S.APPROVED, "", False),
        (S.REJECTED, "", False),
    ],
)
def test_only_unflagged_waiting_questions_can_be_approved_in_bulk(status, flags, expected) -> None:
    assert services.may_approve_in_bulk(_question(status, flags=flags)) is expected


def test_only_the_waiting_list_offers_bulk_approval() -> None:
    assert [s for s in QuestionStatus if services.offers_bulk_approval(s)] == [S.PENDING]


# The database pins only approved questions, so those are the pinned ones that can be stored.
STORABLE = [(s, pinned) for s, pinned in QUEUE_MOVES if not pinned or s == S.APPROVED]


@pytest.mark.parametrize(("status", "pinned"), STORABLE)
def test_the_services_accept_exactly_the_moves_offered(app, status, pinned) -> None:
    """What the queue shows and what the services allow are the same rule."""
    organiser = make_user(Role.ORGANISER)
    offered = QUEUE_MOVES[status, pinned]
    for action, service in SERVICES.items():
        question = asked(qa_event())
        question.status, question.pinned = status, pinned
        db.session.commit()
        if action in offered:
            service(question, actor=organiser, now=NOW)
        else:
            with pytest.raises(NotAllowed):
                service(question, actor=organiser, now=NOW)
        db.session.rollback()


def test_the_edit_page_approves_only_a_waiting_question(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    waiting, answered = asked(event, "One?"), approved(event, "Two?")
    answered.status = S.ANSWERED
    services.edit_question(waiting, "One!", and_approve=True, actor=organiser, now=NOW)
    assert waiting.status == S.APPROVED
    with pytest.raises(NotAllowed):
        services.edit_question(answered, "Two!", and_approve=True, actor=organiser, now=NOW)


# --- who may vote on which question ------------------------------------------------------------


@pytest.mark.parametrize(
    ("askers", "status", "expected"),
    [
        (QuestionAskers.TICKET_HOLDERS, RegistrationStatus.CONFIRMED, True),
        (QuestionAskers.TICKET_HOLDERS, RegistrationStatus.WAITING, False),
        (QuestionAskers.TICKET_HOLDERS, RegistrationStatus.CANCELLED, False),
        (QuestionAskers.ANYONE, RegistrationStatus.CONFIRMED, True),
        (QuestionAskers.ANYONE, RegistrationStatus.WAITING, True),
        (QuestionAskers.ANYONE, RegistrationStatus.CANCELLED, False),
    ],
)
def test_a_ticket_votes_where_it_could_ask(app, askers, status, expected) -> None:
    event = qa_event(qa_askers=askers)
    question = approved(event)
    registration = make_registration(event, status=status)
    assert services.ticket_may_vote(registration) is expected
    assert services.may_vote(question, registration=registration) is expected


def test_a_waiting_list_ticket_is_refused_as_not_its_place(app) -> None:
    event = qa_event(capacity=1)
    question = approved(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    assert isinstance(services.vote_refusal(question, registration=waiting), Forbidden)
    with pytest.raises(Forbidden):
        services.cast_vote(question, registration=waiting)
    assert question.vote_count == 0


def test_a_ticket_votes_only_on_its_own_events_questions(app) -> None:
    question = approved(qa_event())
    elsewhere = make_registration(qa_event())
    assert not services.may_vote(question, registration=elsewhere)
    with pytest.raises(Forbidden):
        services.cast_vote(question, registration=elsewhere)


def test_no_ticket_votes_once_the_event_stops_taking_questions(app) -> None:
    event = qa_event()
    question = approved(event)
    registration = make_registration(event)
    event.qa_enabled = False
    assert not services.ticket_may_vote(registration)
    with pytest.raises(NotAllowed, match="not taking questions"):
        services.cast_vote(question, registration=registration)


@pytest.mark.parametrize("status", [s for s in QuestionStatus if s != S.APPROVED])
def test_only_approved_questions_take_votes(app, status) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE, qa_public_list=True)
    registration = make_registration(event)
    question = asked(event, registration=registration)
    question.status = status
    assert not services.may_vote(question, registration=registration)
    assert not services.may_vote(question)
    with pytest.raises(NotAllowed):
        services.cast_vote(question, registration=registration)


@pytest.mark.parametrize(
    ("enabled", "askers", "public_list", "expected"),
    [
        (True, QuestionAskers.ANYONE, True, True),
        (True, QuestionAskers.ANYONE, False, False),
        (True, QuestionAskers.TICKET_HOLDERS, True, False),
        (False, QuestionAskers.ANYONE, True, False),
    ],
)
def test_a_browser_votes_only_where_anyone_asks_and_the_list_is_public(
    app, enabled, askers, public_list, expected
) -> None:
    event = qa_event(qa_askers=askers, qa_public_list=public_list)
    question = approved(event)
    event.qa_enabled = enabled
    assert services.browser_may_vote(event) is expected
    assert services.may_vote(question) is expected
    if expected:
        services.cast_vote(question, browser_id="b" * 32)
        assert question.vote_count == 1
    else:
        with pytest.raises(NotAllowed):
            services.cast_vote(question, browser_id="b" * 32)


def test_one_vote_per_ticket_through_the_rule(app) -> None:
    event = qa_event()
    question = approved(event)
    registration = make_registration(event)
    services.cast_vote(question, registration=registration)
    with pytest.raises(NclwError, match="already voted"):
        services.cast_vote(question, registration=registration)
    assert question.vote_count == 1


# --- asking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [(S.PENDING, True), (S.APPROVED, True), (S.ANSWERED, False), (S.REJECTED, False)],
)
def test_a_question_can_be_withdrawn_until_it_is_closed(status, expected) -> None:
    assert services.may_withdraw(_question(status)) is expected


@pytest.mark.parametrize(
    ("askers", "status", "offered"),
    [
        # Ticket holders only, on the site: the page sends them to their ticket page instead.
        (QuestionAskers.TICKET_HOLDERS, EventStatus.PUBLISHED, True),
        (QuestionAskers.ANYONE, EventStatus.PUBLISHED, True),
        (QuestionAskers.TICKET_HOLDERS, EventStatus.CANCELLED, False),
        (QuestionAskers.ANYONE, EventStatus.CANCELLED, False),
    ],
)
def test_what_the_event_page_says_about_asking(app, askers, status, offered):
    event = make_event(qa_enabled=True, qa_askers=askers, status=status)
    reason = services.event_page_closed_reason(event, now=event.starts_at - timedelta(hours=1))
    assert (reason is None) is offered
