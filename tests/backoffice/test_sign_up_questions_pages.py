"""The organisers' side of sign-up questions: setting them up, answers on pages and in files."""

from __future__ import annotations

import csv
import io

import openpyxl
import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.question_setup import QuestionDetails, add_question, questions_of
from nclw.registrations.sign_up_questions import QuestionKind, SignUpQuestion, save_answers
from nclw.timezones import utcnow


def _question(event, **overrides) -> SignUpQuestion:
    values = {
        "label": "Which kind of job interests you most?",
        "kind": QuestionKind.SEVERAL_CHOICES,
        "why_we_ask": "So the speakers bring the right people.",
        "choices": "Creative\nOutdoors\nOffice",
    }
    values.update(overrides)
    question = add_question(event, QuestionDetails(**values), actor=None, now=utcnow())
    db.session.commit()
    return question


def _add(client, event, **fields):
    data = {
        "label": "What would you like to cover?",
        "kind": "long_text",
        "why_we_ask": "So the session fits you.",
        **fields,
    }
    return client.post(f"/admin/events/{event.id}/sign-up-questions", data=data)


def test_organisers_add_a_question(organiser_client, week):
    response = _add(organiser_client, week.event, required="y")
    assert response.status_code == 302
    [question] = questions_of(week.event)
    assert (question.label, question.kind, question.required) == (
        "What would you like to cover?",
        QuestionKind.LONG_TEXT,
        True,
    )
    page = organiser_client.get(f"/admin/events/{week.event.id}/sign-up-questions").text
    assert "Why we ask: So the session fits you." in page
    assert f"/admin/sign-up-questions/{question.id}/remove" in page


def test_a_sensitive_question_is_flagged_and_needs_a_reason(organiser_client, week):
    refused = _add(organiser_client, week.event, label="What is your postcode?")
    assert refused.status_code == 400
    assert "may ask for sensitive details (postcode)" in refused.text
    assert questions_of(week.event) == []
    kept = _add(
        organiser_client,
        week.event,
        label="What is your postcode?",
        sensitive_reason="To plan travel bursaries.",
    )
    assert kept.status_code == 302
    page = organiser_client.get(f"/admin/events/{week.event.id}/sign-up-questions").text
    assert "may ask for sensitive details (postcode)" in page
    assert "Kept because: To plan travel bursaries." in page


def test_questions_are_ordered_hidden_and_removed_with_buttons(organiser_client, week):
    first = _question(week.event)
    second = _question(week.event, label="Second?", kind=QuestionKind.SHORT_TEXT, choices="")
    organiser_client.post(f"/admin/sign-up-questions/{second.id}/up")
    assert questions_of(week.event) == [second, first]
    save_answers(week.confirmed.id, {first.id: "Office"})
    db.session.commit()
    organiser_client.post(f"/admin/sign-up-questions/{first.id}/remove")
    organiser_client.post(f"/admin/sign-up-questions/{first.id}/hide")
    organiser_client.post(f"/admin/sign-up-questions/{second.id}/remove")
    db.session.expire_all()
    assert questions_of(week.event) == [first]
    assert first.hidden


def test_answers_show_on_the_attendee_page_even_when_hidden(organiser_client, week):
    question = _question(week.event)
    save_answers(week.confirmed.id, {question.id: "Creative\nOffice"})
    question.hidden = True
    db.session.commit()
    page = organiser_client.get(f"/admin/registrations/{week.confirmed.id}").text
    assert "Which kind of job interests you most? (no longer asked)" in page
    assert "Creative, Office" in page


def test_partners_cannot_reach_the_questions(client, week):
    from tests.conftest import login

    login(client, week.partner)
    assert client.get(f"/admin/events/{week.event.id}/sign-up-questions").status_code == 403


def _export(client, event, file_format, **extra):
    data = {
        "scope": str(event.id),
        "file_format": file_format,
        "columns": ["reference"],
        **extra,
    }
    return client.post("/admin/exports", data=data, buffered=True)


def test_exports_have_one_column_per_question(organiser_client, week):
    jobs = _question(week.event)
    first_time = _question(week.event, label="First time?", kind=QuestionKind.YES_NO, choices="")
    save_answers(week.confirmed.id, {jobs.id: "Creative\nOffice", first_time.id: "yes"})
    save_answers(week.waiting.id, {first_time.id: "no"})
    db.session.commit()
    plain = _export(organiser_client, week.event, "csv")
    assert plain.get_data().decode("utf-8-sig").splitlines()[0] == "Reference"
    body = _export(organiser_client, week.event, "csv", include_answers="y").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["Reference", "Which kind of job interests you most?", "First time?"],
        [week.confirmed.reference, "Creative, Office", "Yes"],
        [week.waiting.reference, "", "No"],
    ]
    xlsx = _export(organiser_client, week.event, "xlsx", include_answers="y").get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [cell.value for cell in sheet[2]] == [
        week.confirmed.reference,
        "Creative, Office",
        "Yes",
    ]


def test_answers_cannot_be_removed_by_the_database_either(app, week):
    import pytest
    from sqlalchemy.exc import IntegrityError

    question = _question(week.event)
    save_answers(week.confirmed.id, {question.id: "Office"})
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(SignUpQuestion).where(SignUpQuestion.id == question.id))
        db.session.flush()
    db.session.rollback()
