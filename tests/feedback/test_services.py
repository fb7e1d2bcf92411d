"""The survey's rules, without a request: who gets it, answering once, anonymity, questions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from nclw.accounts.models import Role
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.feedback import answering, results, survey
from nclw.feedback.models import FeedbackAnswer, QuestionKind, SurveyInvitation
from nclw.feedback.sending import queue_surveys
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.personal_data import delete_my_details
from nclw.timezones import utcnow
from tests.factories import make_registration, make_user
from tests.feedback.helpers import came, ended_event, survey_token_for

TODAY = date(2026, 10, 29)


def _surveyed() -> set[int]:
    return set(
        db.session.scalars(
            sa.select(OutboxMessage.registration_id).where(OutboxMessage.kind == "feedback_survey")
        )
    )


def test_only_people_who_came_and_still_hold_their_ticket_get_one_survey(app):
    event = ended_event()
    came_along = came(event)
    make_registration(event)  # not checked in
    said_no = came(event)
    answering.set_wants_survey(said_no, False)
    cancelled = came(event, status=RegistrationStatus.CANCELLED)
    deleted = came(event)
    delete_my_details(deleted, now=utcnow())
    db.session.commit()

    assert queue_surveys(now=utcnow()) == 1
    assert queue_surveys(now=utcnow() + timedelta(minutes=10)) == 0  # already sent
    assert _surveyed() == {came_along.id}
    assert cancelled.id not in _surveyed()


def test_no_survey_before_the_event_has_ended_or_long_after_or_for_a_cancelled_event(app):
    event = ended_event()
    came(event)
    cancelled = ended_event(status=EventStatus.CANCELLED)
    came(cancelled)
    assert queue_surveys(now=event.ends_at) == 0  # just ended: people are still going home
    assert queue_surveys(now=event.ends_at + timedelta(days=8)) == 0
    assert queue_surveys(now=utcnow()) == 1


def test_a_discreet_survey_email_names_neither_the_event_nor_care(app):
    event = ended_event(title="Care leavers' careers evening")
    person = came(event, discreet=True)
    queue_surveys(now=utcnow())
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "feedback_survey"))
    assert row.subject == f"A few questions about your booking ({person.reference})"
    assert row.sender_name == "Bookings"
    assert row.text_body.startswith("This is about your booking.")


def test_answers_are_kept_apart_from_the_ticket_and_the_link_works_once(app):
    event = ended_event()
    person = came(event)
    invitation = answering.invitation_for_link(survey_token_for(person))
    questions = survey.saved_questions(event)
    rating, text = QuestionKind.RATING, QuestionKind.TEXT
    assert [q.kind for q in questions] == [rating, text, text]

    given = {questions[0].id: "4", questions[1].id: "Meeting employers", questions[2].id: ""}
    assert answering.submit_answers(invitation, questions, given, today=TODAY) == 2
    db.session.commit()

    answers = db.session.scalars(sa.select(FeedbackAnswer)).all()
    assert {(a.rating, a.text) for a in answers} == {(4, None), (None, "Meeting employers")}
    # Nothing on an answer leads back to a person: no ticket, no time finer than the day.
    assert set(FeedbackAnswer.__table__.columns.keys()) == {
        "id",
        "question_id",
        "answered_on",
        "rating",
        "text",
    }
    assert {a.answered_on for a in answers} == {TODAY}
    assert all(len(a.id) == 32 for a in answers)
    # And the ticket's side says only "answered", with no time to match the answers by.
    assert "answered_at" not in SurveyInvitation.__table__.columns
    with pytest.raises(NotAllowed, match="already been answered"):
        answering.submit_answers(invitation, questions, given, today=TODAY)
    assert db.session.scalar(sa.select(sa.func.count(FeedbackAnswer.id))) == 2


def test_a_stale_copy_of_the_invitation_cannot_answer_twice(app):
    """Two presses at once: the guarded UPDATE lets one set of answers in."""
    event = ended_event()
    person = came(event)
    invitation = answering.invitation_for_link(survey_token_for(person))
    questions = survey.saved_questions(event)
    db.session.execute(sa.update(SurveyInvitation).values(answered=True))
    # What the second request read before the first committed (not a change to save).
    set_committed_value(invitation, "answered", False)
    with pytest.raises(NotAllowed):
        answering.submit_answers(invitation, questions, {questions[0].id: "5"}, today=TODAY)


def test_bad_answers_are_refused_plainly(app):
    event = ended_event()
    invitation = answering.invitation_for_link(survey_token_for(came(event)))
    questions = survey.saved_questions(event)
    for given in ({questions[0].id: "9"}, {}, {questions[1].id: "x" * 1001}):
        with pytest.raises(InvalidInput):
            answering.submit_answers(invitation, questions, given, today=TODAY)


def test_the_link_stops_working_once_the_details_are_deleted_or_the_person_said_no(app):
    event = ended_event()
    person, other = came(event), came(event)
    token, other_token = survey_token_for(person), survey_token_for(other)
    delete_my_details(person, now=utcnow())
    db.session.commit()
    assert answering.invitation_for_link(token) is None
    assert answering.invitation_for_link("nonsense") is None

    invitation = answering.invitation_for_link(other_token)
    answering.say_no_from_email(invitation)
    assert answering.survey_refusal(invitation) == answering.SAID_NO


def test_saying_no_from_the_email_covers_the_persons_other_tickets(app):
    event, later = ended_event(), ended_event()
    person = came(event, email="sam@example.com")
    other_ticket = came(later, email="sam@example.com")
    stranger = came(later, email="alex@example.com")
    token = survey_token_for(person)
    # Only the first event's survey has gone; say no before the second's goes.
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.registration_id != person.id))
    db.session.execute(
        sa.delete(SurveyInvitation).where(SurveyInvitation.registration_id != person.id)
    )
    assert answering.say_no_from_email(answering.invitation_for_link(token)) == 1
    db.session.commit()
    queue_surveys(now=utcnow())
    assert other_ticket.id not in _surveyed()
    assert stranger.id in _surveyed()


def test_organisers_choose_three_to_five_questions_until_the_survey_is_sent(app):
    event = ended_event()
    organiser = make_user()
    choice = survey.QuestionChoice
    for count in (2, 6):
        with pytest.raises(InvalidInput, match="between 3 and 5"):
            survey.choose_questions(
                event,
                [choice(QuestionKind.TEXT, f"Q{n}") for n in range(count)],
                actor=organiser,
                now=utcnow(),
            )
    chosen = [
        choice(QuestionKind.RATING, "How welcome did you feel?"),
        choice(QuestionKind.TEXT, "  "),  # a blank row is left out
        choice(QuestionKind.TEXT, "What would you tell a friend?"),
        choice(QuestionKind.RATING, "How easy was it to get there?"),
    ]
    saved = survey.choose_questions(event, chosen, actor=organiser, now=utcnow())
    assert [q.text for q in saved] == [
        "How welcome did you feel?",
        "What would you tell a friend?",
        "How easy was it to get there?",
    ]
    with pytest.raises(Forbidden):
        survey.choose_questions(event, chosen, actor=make_user(Role.PARTNER), now=utcnow())

    survey_token_for(came(event))
    with pytest.raises(NotAllowed, match="already|no longer"):
        survey.choose_questions(event, chosen, actor=organiser, now=utcnow())
    assert [q.text for q in survey.saved_questions(event)][0] == "How welcome did you feel?"


def test_results_show_once_three_people_have_answered_and_words_only_when_asked(app):
    event = ended_event()
    people = [came(event) for _ in range(3)]
    tokens = [survey_token_for(person) for person in people]
    questions = survey.saved_questions(event)
    for n, token in enumerate(tokens):
        invitation = answering.invitation_for_link(token)
        given = {questions[0].id: str(3 + n % 3), questions[2].id: f"More breaks {n}"}
        answering.submit_answers(invitation, questions, given, today=TODAY)
        if n == 1:
            early = results.feedback_summary(event)
            assert (early.sent, early.answered, early.questions) == (3, 2, [])
    db.session.commit()

    summary = results.feedback_summary(event)
    assert summary.enough_to_show
    rating, useful, change = summary.questions
    assert rating.scores == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1} and rating.average == 4.0
    assert useful.answered == 0
    assert change.texts == ["More breaks 0", "More breaks 1", "More breaks 2"]
    assert results.feedback_summary(event, with_words=False).questions[2].texts == []
