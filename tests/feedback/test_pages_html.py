"""The survey, its answers page, the ticket's choices and the certificate page are valid HTML
with no inline styles or scripts (CSP)."""

from __future__ import annotations

import pytest

from nclw.feedback import survey
from tests.conftest import login
from tests.factories import make_registration, make_user
from tests.feedback.helpers import came, ended_event, survey_token_for
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_survey_results_questions_and_certificate_pages_are_valid(app):
    event = ended_event(title="Care leavers' cooking evening")
    people = [came(event) for _ in range(4)]
    tokens = [survey_token_for(person) for person in people]
    rating, useful, change = survey.saved_questions(event)
    public, organiser = app.test_client(), app.test_client()
    for token in tokens[:3]:
        public.post(f"/feedback/{token}", data={f"q{rating.id}": "4", f"q{change.id}": "More"})
    login(organiser, make_user())
    other = make_registration(ended_event())  # not checked in: an event with no survey yet
    assert_valid_pages(
        {
            "survey": public.get(f"/feedback/{tokens[3]}"),
            "survey errors": public.post(f"/feedback/{tokens[3]}", data={f"q{rating.id}": "9"}),
            "survey thanks": public.post(f"/feedback/{tokens[3]}", data={f"q{useful.id}": "A"}),
            "survey closed": public.get(f"/feedback/{tokens[0]}"),
            "no thanks": public.get(f"/feedback/{tokens[0]}/no-thanks"),
            "ticket with survey and certificate": public.get(f"/tickets/{people[0].link_token}"),
            "certificate": public.get(f"/tickets/{people[0].link_token}/certificate"),
            "certificate errors": public.post(
                f"/tickets/{people[0].link_token}/certificate", data={"full_name": "x" * 200}
            ),
            "feedback results": organiser.get(f"/admin/events/{event.id}/feedback"),
            "feedback questions": organiser.get(
                f"/admin/events/{other.event_id}/feedback/questions"
            ),
            "feedback questions errors": organiser.post(
                f"/admin/events/{other.event_id}/feedback/questions", data={"text_1": "One"}
            ),
        }
    )
