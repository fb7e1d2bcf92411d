"""A person who deletes their details from their ticket also takes down the questions it sent."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.questions.models import Question, QuestionStatus
from nclw.registrations.personal_data import delete_my_details
from tests.factories import make_registration
from tests.questions.helpers import approved, asked, qa_event

NOW = datetime(2026, 10, 27, 18, 0, tzinfo=UTC)


def test_deleting_my_details_withdraws_my_questions_and_no_one_elses(app) -> None:
    event = qa_event()
    mine, someone_elses = make_registration(event), make_registration(event)
    waiting = asked(event, "Waiting?", registration=mine, display_name="Sam")
    public = approved(event, "Public?", registration=mine, display_name="Sam")
    answered = approved(event, "Answered?", registration=mine)
    answered.status = QuestionStatus.ANSWERED
    public.pinned = True
    theirs = approved(event, "Theirs?", registration=someone_elses, display_name="Jo")

    delete_my_details(mine, now=NOW)
    db.session.commit()
    db.session.expire_all()

    for question in (waiting, public, answered):
        question = db.session.get(Question, question.id)
        assert question.status == QuestionStatus.WITHDRAWN
        assert question.display_name is None and question.asker_key is None
        assert not question.pinned
    theirs = db.session.get(Question, theirs.id)
    assert (theirs.status, theirs.display_name) == (QuestionStatus.APPROVED, "Jo")
    summary = db.session.scalar(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "registration.details_deleted")
    )
    assert summary.endswith("; 3 questions withdrawn")


def test_the_ticket_page_says_so_and_the_questions_leave_the_event_page(app, client) -> None:
    event = qa_event(qa_public_list=True)
    registration = make_registration(event)
    approved(event, "Can I ask about bursaries?", registration=registration, display_name="Sam")
    token = registration.link_token
    assert "Can I ask about bursaries?" in client.get(f"/events/{event.slug}").text
    page = client.get(f"/tickets/{token}/delete")
    assert "Any questions you sent for the Q&amp;A from your ticket will be taken down" in page.text
    assert client.post(f"/tickets/{token}/delete").status_code == 302
    assert "Can I ask about bursaries?" not in client.get(f"/events/{event.slug}").text
