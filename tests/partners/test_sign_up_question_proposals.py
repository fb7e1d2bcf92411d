"""A host proposes a sign-up question for its session; it is asked only once approved."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.partners.question_proposals import (
    approve_question,
    awaiting_review,
    decline_question,
    propose_question,
)
from nclw.registrations.question_setup import QuestionDetails, questions_of
from nclw.registrations.sign_up_questions import QuestionKind, save_answers
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner


@pytest.fixture
def session(app):
    partner = make_partner()
    event = make_event(host=partner.organisation, title="CV clinic")
    organiser = make_user(Role.ORGANISER, email="reviewer@nclw.example")
    return partner, event, organiser


def _details(**overrides) -> QuestionDetails:
    values = {
        "label": "Which kind of job interests you most?",
        "kind": QuestionKind.SHORT_TEXT,
        "why_we_ask": "So we bring the right speakers.",
    }
    values.update(overrides)
    return QuestionDetails(**values)


def test_a_proposed_question_is_not_asked_until_approved(session, client):
    partner, event, organiser = session
    question = propose_question(event, _details(), actor=partner, now=utcnow())
    db.session.commit()
    assert questions_of(event) == []
    assert "Which kind of job" not in client.get(f"/events/{event.slug}/register").text
    approve_question(question, warning_read=False, actor=organiser, now=utcnow())
    db.session.commit()
    assert questions_of(event) == [question]
    assert "Which kind of job" in client.get(f"/events/{event.slug}/register").text
    with pytest.raises(NotAllowed):
        approve_question(question, warning_read=False, actor=organiser, now=utcnow())


def test_only_the_host_proposes_and_only_organisers_decide(session):
    partner, event, organiser = session
    other = make_partner(email="other@partner.example")
    with pytest.raises(Forbidden):
        propose_question(event, _details(), actor=other, now=utcnow())
    question = propose_question(event, _details(), actor=partner, now=utcnow())
    with pytest.raises(Forbidden):
        approve_question(question, warning_read=True, actor=partner, now=utcnow())
    decline_question(question, actor=organiser, now=utcnow())
    db.session.commit()
    assert awaiting_review(event) == []


def test_a_sensitive_proposal_needs_the_warning_read(session):
    partner, event, organiser = session
    with pytest.raises(InvalidInput, match="sensitive"):
        propose_question(
            event, _details(label="Who is your social worker?"), actor=partner, now=utcnow()
        )
    question = propose_question(
        event,
        _details(label="Who is your social worker?", sensitive_reason="To send travel money."),
        actor=partner,
        now=utcnow(),
    )
    with pytest.raises(InvalidInput, match="read this warning"):
        approve_question(question, warning_read=False, actor=organiser, now=utcnow())
    approve_question(question, warning_read=True, actor=organiser, now=utcnow())
    assert questions_of(event) == [question]


def test_the_reviewer_sees_the_warning_before_approving(session, client):
    partner, event, organiser = session
    question = propose_question(
        event,
        _details(label="Any medication we should know of?", sensitive_reason="First aid."),
        actor=partner,
        now=utcnow(),
    )
    db.session.commit()
    login(client, organiser)
    page = client.get(f"/admin/events/{event.id}/sign-up-questions").text
    assert "may ask for sensitive details (medication)" in page
    assert "The host says: First aid." in page
    client.post(f"/admin/sign-up-questions/{question.id}/approve")
    assert awaiting_review(event) == [question]
    client.post(f"/admin/sign-up-questions/{question.id}/approve", data={"warning_read": "y"})
    db.session.expire_all()
    assert awaiting_review(event) == []


def test_partners_propose_from_their_session_and_never_see_answers(session, client):
    partner, event, organiser = session
    login(client, partner)
    response = client.post(
        f"/partner/sessions/{event.id}/sign-up-questions",
        data={"label": "Favourite snack?", "kind": "short_text", "why_we_ask": "For the break."},
    )
    assert response.status_code == 302
    [question] = awaiting_review(event)
    approve_question(question, warning_read=False, actor=organiser, now=utcnow())
    ticket = make_registration(event, share_with_host=True)
    save_answers(ticket.id, {question.id: "Crisps, a secret answer"})
    db.session.commit()
    for page in (
        f"/partner/sessions/{event.id}",
        f"/partner/sessions/{event.id}/sign-up-questions",
    ):
        assert "a secret answer" not in client.get(page).text
    exported = client.post(f"/partner/sessions/{event.id}/attendees.csv")
    assert "a secret answer" not in exported.get_data(as_text=True)


def test_another_partner_cannot_see_the_page(session, client):
    _partner, event, _organiser = session
    login(client, make_partner(email="other@partner.example"))
    assert client.get(f"/partner/sessions/{event.id}/sign-up-questions").status_code == 404
