"""The sign-up question pages (organisers', hosts', the sign-up form) are valid HTML with no
inline styles or scripts (CSP)."""

from __future__ import annotations

import pytest

from nclw.extensions import db
from nclw.partners.question_proposals import propose_question
from nclw.registrations.question_setup import QuestionDetails, add_question
from nclw.registrations.sign_up_questions import QuestionKind
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event
from tests.partners.helpers import make_partner
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_sign_up_question_pages_are_valid_and_csp_clean(app, client, organiser_client, week):
    partner = make_partner()
    event = make_event(host=partner.organisation)
    now = utcnow()
    jobs = add_question(
        event,
        QuestionDetails(
            label="Which kind of job?",
            kind=QuestionKind.ONE_CHOICE,
            why_we_ask="To plan.",
            choices="Creative\nOffice",
            required=True,
        ),
        actor=None,
        now=now,
    )
    for kind in (QuestionKind.SHORT_TEXT, QuestionKind.SEVERAL_CHOICES, QuestionKind.YES_NO):
        add_question(
            event,
            QuestionDetails(
                label=f"A {kind.label} question?",
                kind=kind,
                why_we_ask="To plan.",
                choices="One\nTwo" if kind.has_choices else "",
            ),
            actor=None,
            now=now,
        )
    propose_question(
        event,
        QuestionDetails(
            label="Your postcode?",
            kind=QuestionKind.SHORT_TEXT,
            why_we_ask="Travel.",
            sensitive_reason="Bursaries.",
        ),
        actor=partner,
        now=now,
    )
    db.session.commit()
    questions = f"/admin/events/{event.id}/sign-up-questions"
    pages = {
        "questions": organiser_client.get(questions),
        "questions-errors": organiser_client.post(questions, data={"label": "Postcode?"}),
        "question-edit": organiser_client.get(f"/admin/sign-up-questions/{jobs.id}/edit"),
        "sign-up": organiser_client.get(f"/events/{event.slug}/register"),
        "sign-up-errors": organiser_client.post(f"/events/{event.slug}/register", data={}),
    }
    partner_client = app.test_client()
    login(partner_client, partner)
    pages["partner"] = partner_client.get(f"/partner/sessions/{event.id}/sign-up-questions")
    assert all(response.status_code in (200, 400) for response in pages.values())
    assert_valid_pages(pages)
