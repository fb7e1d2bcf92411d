"""An event's own sign-up questions: checked answers, kept per ticket, forgotten on request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.registrations import services
from nclw.registrations.models import Registration
from nclw.registrations.personal_data import delete_my_details, purge_personal_data
from nclw.registrations.question_setup import (
    QuestionDetails,
    add_question,
    change_question,
    move_question,
    questions_of,
    remove_question,
    sensitive_topics,
    set_hidden,
)
from nclw.registrations.sign_up_answers import (
    AnswerProblems,
    answers_for,
    check_answers,
)
from nclw.registrations.sign_up_details import SignUpDetails
from nclw.registrations.sign_up_questions import QuestionKind, SignUpAnswer, save_answers
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration


def _job(event, **overrides):
    values = {
        "label": "Which kind of job interests you most?",
        "kind": QuestionKind.ONE_CHOICE,
        "why_we_ask": "So the speakers bring the right people.",
        "choices": "Creative\nOutdoors\nOffice",
        "required": True,
    }
    values.update(overrides)
    question = add_question(event, QuestionDetails(**values), actor=None, now=utcnow())
    db.session.commit()
    return question


def _topics(event):
    question = add_question(
        event,
        QuestionDetails(
            label="Anything you'd like the speakers to cover?",
            kind=QuestionKind.LONG_TEXT,
            why_we_ask="So the session answers what you came for.",
        ),
        actor=None,
        now=utcnow(),
    )
    db.session.commit()
    return question


def _answers(registration) -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(SignUpAnswer.question_id, SignUpAnswer.value).where(
                SignUpAnswer.registration_id == registration.id
            )
        ).all()
    )


def _sign_up(client, event, **fields):
    data = {"first_name": "Jordan", "email": "jordan@example.com", **fields}
    return client.post(f"/events/{event.slug}/register", data=data)


# --- the keyword rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Do you have any health conditions?", "health"),
        ("Are you disabled?", "disability"),
        ("What medication do you take?", "medication"),
        ("Who is your social worker?", "social worker"),
        ("What is your home address?", "address"),
        ("Your postcode", "postcode"),
        ("Date of birth", "date of birth"),
        ("What is your religion?", "religion"),
        ("What is your sexuality?", "sexuality"),
        ("What is your immigration status?", "immigration status"),
        ("How long were you in care?", "care history"),
    ],
)
def test_sensitive_questions_are_flagged(text, topic):
    assert topic in sensitive_topics(text)


@pytest.mark.parametrize(
    "text",
    ["Which kind of job interests you most?", "What should we cover?", "Dress code ok?"],
)
def test_ordinary_questions_are_not_flagged(text):
    assert sensitive_topics(text) == []


def test_a_sensitive_question_is_kept_only_with_a_reason(app):
    event = make_event()
    details = QuestionDetails(
        label="Any allergies?", kind=QuestionKind.SHORT_TEXT, why_we_ask="Lunch is served."
    )
    with pytest.raises(InvalidInput, match="sensitive details"):
        add_question(event, details, actor=None, now=utcnow())
    kept = add_question(
        event,
        QuestionDetails(**{**details.__dict__, "sensitive_reason": "Food is served."}),
        actor=None,
        now=utcnow(),
    )
    assert kept.sensitive_reason == "Food is served."


# --- setting questions up ------------------------------------------------------------------


def test_every_question_says_why_we_ask_it(app):
    event = make_event()
    with pytest.raises(InvalidInput, match="why you ask"):
        _job(event, why_we_ask="  ")


def test_a_choice_question_needs_two_different_choices(app):
    event = make_event()
    with pytest.raises(InvalidInput, match="two choices"):
        _job(event, choices="Only one")
    with pytest.raises(InvalidInput, match="different"):
        _job(event, choices="Same\nsame")


def test_questions_move_up_and_down(app):
    event = make_event()
    job, topics = _job(event), _topics(event)
    move_question(topics, up=True, actor=None, now=utcnow())
    assert questions_of(event) == [topics, job]
    with pytest.raises(NotAllowed):
        move_question(topics, up=True, actor=None, now=utcnow())
    move_question(topics, up=False, actor=None, now=utcnow())
    assert questions_of(event) == [job, topics]


def test_an_answered_question_can_only_be_hidden_and_its_answers_stay(app):
    event = make_event()
    job, topics = _job(event), _topics(event)
    registration = make_registration(event)
    save_answers(registration.id, {job.id: "Outdoors"})
    db.session.commit()
    with pytest.raises(NotAllowed, match="only be hidden"):
        remove_question(job, actor=None, now=utcnow())
    with pytest.raises(NotAllowed, match="cannot change"):
        change_question(
            job,
            QuestionDetails(
                label=job.label,
                kind=QuestionKind.ONE_CHOICE,
                why_we_ask=job.why_we_ask,
                choices="Creative\nOutdoors",
            ),
            actor=None,
            now=utcnow(),
        )
    set_hidden(job, True, actor=None, now=utcnow())
    assert questions_of(event, include_hidden=False) == [topics]
    [shown, unanswered] = answers_for(registration)
    assert (shown.question, shown.answer, shown.hidden) == (job.label, "Outdoors", True)
    assert unanswered.answer == "Not answered"
    remove_question(topics, actor=None, now=utcnow())
    db.session.commit()
    assert questions_of(event) == [job]


# --- checking answers ----------------------------------------------------------------------


def test_answers_are_checked_by_type(app):
    event = make_event()
    job, topics = _job(event), _topics(event)
    several = _job(
        event,
        label="Which days suit you?",
        kind=QuestionKind.SEVERAL_CHOICES,
        choices="Monday\nTuesday\nFriday",
        required=False,
    )
    yes_no = _job(event, label="First time at an event?", kind=QuestionKind.YES_NO, choices="")
    questions = questions_of(event)
    with pytest.raises(AnswerProblems) as problems:
        check_answers(
            questions,
            {
                job.id: "Astronaut",
                topics.id: "x" * 1001,
                several.id: ["Sunday"],
                yes_no.id: "maybe",
            },
        )
    assert set(problems.value.problems) == {job.id, topics.id, several.id, yes_no.id}
    with pytest.raises(AnswerProblems, match="Choose an answer"):
        check_answers(questions, {})
    assert check_answers(
        questions, {job.id: "Office", several.id: ["Friday", "Monday"], yes_no.id: "yes"}
    ) == {job.id: "Office", several.id: "Monday\nFriday", yes_no.id: "yes"}


def test_hidden_questions_are_not_asked(app):
    event = make_event()
    job = _job(event)
    set_hidden(job, True, actor=None, now=utcnow())
    assert check_answers(questions_of(event), {job.id: "Anything"}) == {}


# --- on the sign-up form -------------------------------------------------------------------


def test_the_form_asks_the_questions_with_why_we_ask(client):
    event = make_event()
    _job(event, help_text="Pick the nearest.")
    _topics(event)
    page = client.get(f"/events/{event.slug}/register").text
    assert "Which kind of job interests you most?" in page
    assert "Pick the nearest. Why we ask: So the speakers bring the right people." in page
    assert "Anything you&#39;d like the speakers to cover? (optional)" in page


def test_signing_up_keeps_the_answers_with_the_ticket(client):
    event = make_event()
    job, topics = _job(event), _topics(event)
    response = _sign_up(
        client, event, **{f"question_{job.id}": "Outdoors", f"question_{topics.id}": "CVs"}
    )
    assert response.status_code == 200
    [registration] = db.session.scalars(sa.select(Registration)).all()
    assert _answers(registration) == {job.id: "Outdoors", topics.id: "CVs"}


def test_a_bad_answer_gives_a_clear_message_and_no_ticket(client):
    event = make_event()
    job = _job(event)
    response = _sign_up(client, event, **{f"question_{job.id}": "Astronaut"})
    assert response.status_code == 400
    assert "Choose from the list for" in response.text
    missing = _sign_up(client, event)
    assert missing.status_code == 400
    assert "Choose an answer for" in missing.text
    assert db.session.scalars(sa.select(Registration)).all() == []


def test_on_a_welsh_page_the_message_marks_the_question_as_english(client):
    """The site's words are Welsh; the organiser's question, typed in English, is marked so
    a screen reader reads it with English sounds. On an English page nothing is marked."""
    event = make_event()
    job = _job(event, label="Which <job> interests you most?")
    topics = _topics(event)
    english = 'lang="en">Which &lt;job&gt; interests you most?</span>'
    data = {"first_name": "Jordan", "email": "jordan@example.com"}
    long_answer = {f"question_{job.id}": "Office", f"question_{topics.id}": "x" * 1001}
    for fields in ({}, long_answer):
        welsh = client.post(f"/cy/events/{event.slug}/register", data={**data, **fields})
        assert welsh.status_code == 400
        assert 'lang="cy"' in welsh.text
        assert "Choose an answer for" not in welsh.text and "must be" not in welsh.text
    missing = client.post(f"/cy/events/{event.slug}/register", data=data)
    assert missing.text.count(english) >= 2  # beside the field and in the summary
    too_long = client.post(f"/cy/events/{event.slug}/register", data={**data, **long_answer})
    assert 'lang="en">Anything you&#39;d like the speakers to cover?</span>' in too_long.text
    assert "1000" in too_long.text or "1,000" in too_long.text
    plain = _sign_up(client, event)
    assert "Choose an answer for \u201cWhich &lt;job&gt; interests you most?\u201d" in plain.text
    assert english not in plain.text


def test_signing_up_again_does_not_change_the_answers(client):
    event = make_event()
    job = _job(event)
    _sign_up(client, event, **{f"question_{job.id}": "Outdoors"})
    _sign_up(client, event, **{f"question_{job.id}": "Office"})
    [registration] = db.session.scalars(sa.select(Registration)).all()
    assert _answers(registration) == {job.id: "Outdoors"}


def test_a_ticket_and_its_answers_are_written_together_or_not_at_all(app):
    event = make_event()
    job = _job(event)
    details = SignUpDetails(
        first_name="Sam", email="sam@example.com", answers=((job.id, "Office"),)
    )
    result = services.register(event, details, now=utcnow())
    assert _answers(result.registration) == {job.id: "Office"}
    # An answer that cannot be written (its question has gone) takes the ticket with it.
    broken = SignUpDetails(
        first_name="Kim", email="kim@example.com", answers=((job.id + 999, "Office"),)
    )
    with pytest.raises(sa.exc.IntegrityError):
        services.register(event, broken, now=utcnow())
    db.session.rollback()
    assert [r.first_name for r in db.session.scalars(sa.select(Registration))] == ["Sam"]


# --- forgetting ----------------------------------------------------------------------------


def test_deleting_my_details_deletes_my_answers(app):
    event = make_event()
    job = _job(event)
    registration = make_registration(event)
    save_answers(registration.id, {job.id: "Office"})
    db.session.commit()
    delete_my_details(registration, now=utcnow())
    db.session.commit()
    assert _answers(registration) == {}


def test_the_retention_purge_deletes_answers(app):
    from datetime import timedelta

    event = make_event(starts_at=utcnow() - timedelta(days=100))
    job = _job(event)
    registration = make_registration(event)
    save_answers(registration.id, {job.id: "Office"})
    db.session.commit()
    assert purge_personal_data(older_than_days=30, now=utcnow()) == 1
    db.session.commit()
    assert _answers(registration) == {}
