"""The survey page, saying no, the ticket page's choice and the organisers' Feedback page."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.feedback import survey
from nclw.feedback.models import FeedbackAnswer, SurveyInvitation
from tests.conftest import login, make_test_app
from tests.factories import give_event, make_user
from tests.feedback.helpers import came, ended_event, survey_token_for


def _answer_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(FeedbackAnswer.id)))


def test_the_survey_asks_the_questions_and_takes_answers_once(client):
    event = ended_event()
    token = survey_token_for(came(event))
    page = client.get(f"/feedback/{token}")
    assert page.status_code == 200
    assert "Overall, how good was the event?" in page.text
    assert "anonymous" in page.text
    rating, useful, _change = survey.saved_questions(event)

    sent = client.post(f"/feedback/{token}", data={f"q{rating.id}": "5", f"q{useful.id}": "All"})
    assert sent.status_code == 200 and "Thank you for your feedback" in sent.text
    assert _answer_count() == 2

    again = client.post(f"/feedback/{token}", data={f"q{rating.id}": "1"})
    assert again.status_code == 409 and "already been answered" in again.text
    assert client.get(f"/feedback/{token}").status_code == 200
    assert _answer_count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"RATING": "6"},
        {"RATING": "<script>"},
        {},
        {"USEFUL": "x" * 5000},
    ],
)
def test_bad_answers_get_400_with_the_reason(client, data):
    event = ended_event()
    token = survey_token_for(came(event))
    rating, useful, _change = survey.saved_questions(event)
    names = {"RATING": f"q{rating.id}", "USEFUL": f"q{useful.id}"}
    response = client.post(f"/feedback/{token}", data={names[k]: v for k, v in data.items()})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert _answer_count() == 0


def test_unknown_or_overlong_links_are_not_found(client):
    assert client.get("/feedback/not-a-real-link").status_code == 404
    assert client.get("/feedback/" + "a" * 500).status_code == 404
    assert client.post("/feedback/not-a-real-link/no-thanks").status_code == 404


def test_no_thanks_from_the_email_closes_the_survey(client):
    token = survey_token_for(came(ended_event()))
    assert "Stop feedback surveys?" in client.get(f"/feedback/{token}/no-thanks").text
    done = client.post(f"/feedback/{token}/no-thanks")
    assert done.status_code == 200 and "No more feedback surveys" in done.text
    assert "asked not to get this survey" in client.get(f"/feedback/{token}").text


def test_the_ticket_page_offers_a_way_to_say_no_and_to_change_ones_mind(client):
    event = ended_event()
    person = came(event)
    ticket = client.get(f"/tickets/{person.link_token}")
    # Translated words are markup: the apostrophe may or may not be escaped.
    assert "Don't send me a feedback survey" in html.unescape(ticket.text)

    response = client.post(f"/tickets/{person.link_token}/feedback/no")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(SurveyInvitation.opted_out)) is True
    ticket = client.get(f"/tickets/{person.link_token}")
    assert "Send me the feedback survey after all" in ticket.text

    client.post(f"/tickets/{person.link_token}/feedback/yes")
    db.session.expire_all()
    assert db.session.scalar(sa.select(SurveyInvitation.opted_out)) is False
    assert client.post(f"/tickets/{person.link_token}/feedback/maybe").status_code == 404


def test_forms_without_a_csrf_token_are_refused(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = ended_event()
        person = came(event)
        token = survey_token_for(person)
        client = app.test_client()
        rating = survey.saved_questions(event)[0]
        assert client.post(f"/feedback/{token}", data={f"q{rating.id}": "5"}).status_code == 400
        assert client.post(f"/feedback/{token}/no-thanks").status_code == 400
        assert client.post(f"/tickets/{person.link_token}/feedback/no").status_code == 400
        organiser = make_user()
        login(client, organiser)
        data = {"text_1": "A", "text_2": "B", "text_3": "C"}
        questions_page = f"/admin/events/{event.id}/feedback/questions"
        assert client.post(questions_page, data=data).status_code == 400
        assert _answer_count() == 0
        assert db.session.scalar(sa.select(SurveyInvitation.opted_out)) is False
        db.session.remove()
        db.engine.dispose()


def _answered_by_three(client, event):
    for _ in range(3):
        token = survey_token_for(came(event))
        rating, _useful, change = survey.saved_questions(event)
        client.post(f"/feedback/{token}", data={f"q{rating.id}": "4", f"q{change.id}": "Lunch"})


def test_organisers_see_the_results(client):
    event = ended_event()
    _answered_by_three(client, event)
    login(client, make_user())
    page = client.get(f"/admin/events/{event.id}/feedback")
    assert page.status_code == 200
    assert "3 of 3 people" in page.text
    assert "Average score: <strong>4.0</strong>" in page.text
    assert page.text.count("<li>Lunch</li>") == 3
    assert "Change the questions" not in page.text  # sent: the questions are fixed


@pytest.mark.parametrize("role", [Role.PARTNER, Role.DOOR_STAFF])
def test_partners_and_door_staff_cannot_see_feedback(client, role):
    event = ended_event()
    user = make_user(role)
    if role == Role.DOOR_STAFF:
        give_event(user, event)
    login(client, user)
    assert client.get(f"/admin/events/{event.id}/feedback").status_code == 403
    assert client.get(f"/admin/events/{event.id}/feedback/questions").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    event = ended_event()
    assert client.get(f"/admin/events/{event.id}/feedback").status_code == 302


def test_organisers_choose_questions_and_bad_input_is_400(client):
    event = ended_event()
    login(client, make_user())
    page = client.get(f"/admin/events/{event.id}/feedback/questions")
    assert page.status_code == 200 and 'value="What was useful?"' in page.text

    too_few = client.post(
        f"/admin/events/{event.id}/feedback/questions", data={"text_1": "Only one"}
    )
    assert too_few.status_code == 400 and "between 3 and 5" in too_few.text
    bad_kind = client.post(
        f"/admin/events/{event.id}/feedback/questions",
        data={"kind_1": "essay", "text_1": "A", "text_2": "B", "text_3": "C"},
    )
    assert bad_kind.status_code == 400

    saved = client.post(
        f"/admin/events/{event.id}/feedback/questions",
        data={
            "kind_1": "rating",
            "text_1": "How welcome did you feel?",
            "kind_2": "text",
            "text_2": "What was best?",
            "kind_3": "text",
            "text_3": "What was worst?",
        },
    )
    assert saved.status_code == 302
    assert [q.text for q in survey.saved_questions(event)] == [
        "How welcome did you feel?",
        "What was best?",
        "What was worst?",
    ]
    assert client.get("/admin/events/999999/feedback").status_code == 404
