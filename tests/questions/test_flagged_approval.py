"""A question that seems to hold a phone number or an address is never published in one click:
a moderator edits it, or says yes a second time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import NeedsConfirmation
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionStatus
from tests.conftest import login
from tests.factories import make_user
from tests.questions.helpers import asked, qa_event
from tests.support.html_validation import assert_valid_pages

NOW = datetime(2026, 10, 27, 18, 0, tzinfo=UTC)
PHONE = "Ring me on 07700 900123. How do I get an apprenticeship?"
WARNING = "This question may contain a phone number. Publish anyway?"


def _queue(event) -> str:
    return f"/admin/events/{event.id}/questions"


def test_one_click_does_not_publish_a_flagged_question(app) -> None:
    organiser = make_user(Role.ORGANISER)
    question = asked(qa_event(), PHONE)
    assert services.approval_warning(question) == WARNING
    with pytest.raises(NeedsConfirmation, match=WARNING):
        services.approve_question(question, actor=organiser, now=NOW)
    assert question.status == QuestionStatus.PENDING
    services.approve_question(question, actor=organiser, now=NOW, confirmed=True)
    db.session.commit()
    assert question.status == QuestionStatus.APPROVED
    summary = db.session.scalar(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "question.approved")
    )
    assert "confirmed despite: phone" in summary and "07700" not in summary


def test_an_edited_question_needs_no_second_yes(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    cleaned = asked(event, PHONE)
    services.edit_question(cleaned, "How do I get an apprenticeship?", actor=organiser, now=NOW)
    # A moderator who changed the words has read them, even if a flag is left.
    reworded = asked(event, "Ring me on 07700 900123 please. How do I start?")
    services.edit_question(reworded, "Ring 07700 900123. How do I start?", actor=organiser, now=NOW)
    assert reworded.flag_list == ["phone"]
    for question in (cleaned, reworded):
        assert services.approval_warning(question) is None
        services.approve_question(question, actor=organiser, now=NOW)
    assert {cleaned.status, reworded.status} == {QuestionStatus.APPROVED}


def test_save_and_approve_without_changing_the_words_still_asks(app) -> None:
    question = asked(qa_event(), PHONE)
    with pytest.raises(NeedsConfirmation):
        services.edit_question(
            question, PHONE, actor=make_user(Role.ORGANISER), now=NOW, and_approve=True
        )


def test_bulk_approval_takes_edited_questions_but_never_unchecked_flagged_ones(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    flagged, edited = asked(event, PHONE), asked(event, "Email me at sam@example.org, ok?")
    services.edit_question(edited, "Email me at sam@example.org?", actor=organiser, now=NOW)
    count = services.approve_questions(event, [flagged.id, edited.id], actor=organiser, now=NOW)
    assert count == 1
    assert (flagged.status, edited.status) == (QuestionStatus.PENDING, QuestionStatus.APPROVED)


def test_the_queue_asks_a_second_time_before_publishing(client) -> None:
    event = qa_event()
    question = asked(event, PHONE)
    login(client, make_user(Role.ORGANISER))
    url = f"{_queue(event)}/{question.id}/approve"
    page = client.post(url, data={"back_to": "pending"})
    assert page.status_code == 200
    assert WARNING in page.text and "Publish anyway" in page.text
    assert 'name="confirmed" value="yes"' in page.text
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.PENDING
    done = client.post(url, data={"confirmed": "yes", "back_to": "pending"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.APPROVED


def test_save_and_approve_with_the_same_words_leads_to_the_second_question(client) -> None:
    event = qa_event()
    question = asked(event, PHONE)
    login(client, make_user(Role.ORGANISER))
    page = client.post(f"{_queue(event)}/{question.id}/edit", data={"body": PHONE, "approve": "1"})
    assert WARNING in page.text
    assert f'action="{_queue(event)}/{question.id}/approve"' in page.text
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.PENDING


@pytest.mark.slow  # the Nu HTML checker is a Java program started per call
def test_the_second_question_page_is_valid_html(client) -> None:
    event = qa_event()
    question = asked(event, PHONE)
    login(client, make_user(Role.ORGANISER))
    page = client.post(f"{_queue(event)}/{question.id}/approve")
    assert_valid_pages({"confirm-publish": page})
