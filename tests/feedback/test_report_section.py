"""The survey's results in the event's report: scores for all who may see the report, the
written answers only on the organisers' Feedback page."""

from __future__ import annotations

from nclw.accounts.models import Role
from nclw.feedback import survey
from tests.conftest import login
from tests.factories import make_user
from tests.feedback.helpers import came, ended_event, survey_token_for


def _three_answers(client, event) -> None:
    for score in ("5", "4", "3"):
        token = survey_token_for(came(event))
        rating, _useful, change = survey.saved_questions(event)
        answers = {f"q{rating.id}": score, f"q{change.id}": "Longer lunch please"}
        assert client.post(f"/feedback/{token}", data=answers).status_code in (200, 302, 303)


def test_no_section_before_any_survey_was_sent(client):
    event = ended_event()
    login(client, make_user())
    page = client.get(f"/admin/events/{event.id}/report").get_data(as_text=True)
    assert "<h2>Feedback</h2>" not in page


def test_the_organisers_report_has_the_scores_and_a_link_to_the_words(client):
    event = ended_event()
    _three_answers(client, event)
    login(client, make_user())
    page = client.get(f"/admin/events/{event.id}/report").get_data(as_text=True)
    assert "<h2>Feedback</h2>" in page
    assert "3 of 3 people sent the survey answered it" in page
    assert "Average score: <strong>4.0</strong> out of 5, from 3 answers." in page
    assert "3 written answers." in page
    assert f'href="/admin/events/{event.id}/feedback"' in page
    assert "Longer lunch please" not in page
    csv = client.get(f"/admin/events/{event.id}/report.csv").get_data(as_text=True)
    assert "Feedback surveys answered,3" in csv
    rating = survey.saved_questions(event)[0]
    assert f'"Average score (out of 5): {rating.text}",4.0' in csv


def test_a_partner_sees_the_scores_of_its_session_but_never_the_words(client):
    partner = make_user(Role.PARTNER)
    event = ended_event(host=partner.organisation)
    _three_answers(client, event)
    login(client, partner)
    page = client.get(f"/partner/sessions/{event.id}/report").get_data(as_text=True)
    assert "Average score: <strong>4.0</strong>" in page
    assert "Longer lunch please" not in page
    assert "/feedback" not in page  # no link to a page partners may not open
