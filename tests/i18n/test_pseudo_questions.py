"""Questions, feedback surveys and the door page, rendered in the pseudo-locale: every word
they show goes through the catalogues.

Some of these pages sit inside pages other parts of the site draw (the event page, the ticket
page, the back office's frame, the form macros). The tests read only the part this area
draws: the questions panel, the survey panel, or the page's <main>, with the few words of the
shared frame and form macros that are translated elsewhere passed in `FRAME`.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from nclw.accounts.models import Role
from nclw.events.models import EventStatus, QuestionAskers
from nclw.extensions import db
from nclw.feedback import survey
from nclw.feedback.report_section import feedback_section
from nclw.questions.models import QUESTION_MAX_LENGTH, QuestionStatus
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import give_event, make_event, make_registration, make_user
from tests.feedback.helpers import came, ended_event, survey_token_for
from tests.questions.helpers import approved, asked, qa_event
from tests.support.pseudo import untranslated

# Words of the shared frame around these pages (the form macros' error summary, the back
# office's and door staff's frame), which their own parts translate.
FRAME: tuple[str, ...] = ()


def _element(html: str, tag: str, marker: str) -> str:
    """The first `<tag ...marker...>...</tag>` in the page (none of ours nest in themselves)."""
    found = re.search(rf"<{tag}\b[^>]*{re.escape(marker)}[^>]*>.*?</{tag}>", html, re.S)
    assert found, f"no <{tag} {marker}> on the page"
    return found.group(0)


def _main(html: str) -> str:
    return _element(html, "main", 'id="main"')


def _questions_panel(html: str) -> str:
    return _element(html, "section", 'id="questions"')


def _banners(html: str) -> list[str]:
    return re.findall(r'<p class="banner-body">(.*?)</p>', html, re.S)


def _assert_translated(html: str, *allowed: str) -> None:
    assert "⟪" in html
    left = untranslated(html, allowed=[*allowed, *FRAME])
    assert left == [], left


def _names(*things) -> list[str]:
    """The data a test put on the page: titles, names, questions' words."""
    words = []
    for thing in things:
        for name in ("title", "first_name", "body", "display_name", "reference", "name"):
            value = getattr(thing, name, None)
            if isinstance(value, str) and value:
                words.append(value)
    return words


# --- the young person's side: asking, voting, withdrawing ---------------------------------------


def test_the_ticket_pages_questions_panel_is_translated(pseudo_app):
    event = qa_event()
    person = make_registration(event)
    mine = asked(event, "Can I bring a friend?", registration=person, display_name="Sam")
    other = approved(event, "What helped you most?")
    other.pinned = True
    db.session.commit()
    client = pseudo_app.test_client()
    client.post(f"/tickets/{person.link_token}/questions/{other.id}/vote")

    page = client.get(f"/tickets/{person.link_token}").get_data(as_text=True)

    panel = _questions_panel(page)
    assert "⟪Withdraw" in panel and "⟪You voted for this question.⟫" in panel
    _assert_translated(panel, *_names(event, mine, other))
    assert _banners(page) == ["⟪Thank you. Your vote is counted.⟫"]


def test_the_event_pages_questions_panel_is_translated_where_anyone_asks(pseudo_app):
    event = qa_event(qa_askers=QuestionAskers.ANYONE, qa_public_list=True)
    live = approved(event, "Where is the venue?")
    done = approved(event, "Who is speaking?", display_name="Jo")
    done.status = QuestionStatus.ANSWERED
    done.edited_at = utcnow()
    db.session.commit()
    client = pseudo_app.test_client()
    sent = client.post(
        f"/events/{event.slug}/questions/ask", data={"body": "Call me on 07700 900123"}
    )
    assert sent.status_code == 302

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)

    panel = _questions_panel(page)
    assert "⟪Thank you. Your question will be checked" in panel  # with the details it found
    assert "⟪Vote" in panel and "⟪Answered⟫" in panel and "⟪Withdraw" in panel
    _assert_translated(panel, *_names(event, live, done), "Call me on 07700 900123")


@pytest.mark.parametrize(
    "settings",
    [
        {"qa_askers": QuestionAskers.TICKET_HOLDERS, "qa_public_list": True},
        {"qa_askers": QuestionAskers.ANYONE, "qa_public_list": False, "finished": True},
    ],
    ids=["ticket-holders-ask", "finished"],
)
def test_the_event_pages_questions_panel_says_who_can_ask(pseudo_app, settings):
    finished = settings.pop("finished", False)
    starts = utcnow() - timedelta(days=1) if finished else None
    event = qa_event(starts_at=starts, **settings)
    page = pseudo_app.test_client().get(f"/events/{event.slug}").get_data(as_text=True)
    panel = _questions_panel(page)
    _assert_translated(panel, *_names(event))


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        ("", "", "⟪Enter your question⟫"),
        ("x" * (QUESTION_MAX_LENGTH + 1), "", "⟪Your question must be 500 characters or fewer⟫"),
        ("Fine", "n" * 41, "⟪The name to show must be 40 characters or fewer⟫"),
    ],
    ids=["empty", "too-long", "name-too-long"],
)
def test_the_ask_page_and_its_errors_are_translated(pseudo_app, body, name, message):
    event = qa_event()
    person = make_registration(event)
    client = pseudo_app.test_client()
    address = f"/tickets/{person.link_token}/questions/ask"
    assert untranslated(client.get(address).get_data(as_text=True), _names(event)) == []

    response = client.post(address, data={"body": body, "display_name": name})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    _assert_translated(page, *_names(event), body, name)


def test_a_refused_question_is_explained_in_translation(pseudo_app):
    event = qa_event(qa_askers=QuestionAskers.ANYONE, starts_at=utcnow() - timedelta(days=1))
    response = pseudo_app.test_client().post(
        f"/events/{event.slug}/questions/ask", data={"body": "Hello?"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "⟪This event has finished, so it is no longer taking questions.⟫" in page
    _assert_translated(page, *_names(event), "Hello?")


def test_the_waiting_list_is_told_when_it_can_ask(pseudo_app):
    event = qa_event()
    person = make_registration(event, status="waiting")
    page = pseudo_app.test_client().get(f"/tickets/{person.link_token}/questions/ask")
    assert "⟪You are on the waiting list." in page.get_data(as_text=True)
    _assert_translated(page.get_data(as_text=True), *_names(event))


def test_withdrawing_and_voting_twice_are_told_in_translation(pseudo_app):
    event = qa_event()
    person = make_registration(event)
    mine = asked(event, "Can I come late?", registration=person)
    other = approved(event)
    client = pseudo_app.test_client()
    ticket = f"/tickets/{person.link_token}"

    client.post(f"{ticket}/questions/{other.id}/vote")
    again = client.post(f"{ticket}/questions/{other.id}/vote")
    assert "⟪You have already voted for this question.⟫" in again.get_data(as_text=True)

    client.post(f"{ticket}/questions/{mine.id}/withdraw")
    page = client.get(ticket).get_data(as_text=True)
    assert "⟪Your question has been withdrawn.⟫" in _banners(page)


# --- moderating, and the presenter view ---------------------------------------------------------


@pytest.fixture
def organiser_client(pseudo_app):
    client = pseudo_app.test_client()
    login(client, make_user(Role.ORGANISER))
    return client


def _questions_in_every_state(event):
    plain = asked(event, "What was school like?")
    flagged = asked(event, "Text me on 07700 900123", display_name="Al")
    pinned = approved(event, "What helped?")
    pinned.pinned = True
    edited = approved(event, "Where next?")
    edited.edited_at = utcnow()
    answered = approved(event, "Who runs it?")
    answered.status = QuestionStatus.ANSWERED
    rejected = asked(event, "Not for here")
    rejected.status = QuestionStatus.REJECTED
    db.session.commit()
    return [plain, flagged, pinned, edited, answered, rejected]


@pytest.mark.parametrize("status", [s.value for s in QuestionStatus])
def test_the_moderation_queue_is_translated(organiser_client, status):
    event = qa_event()
    questions = _questions_in_every_state(event)
    # Finished, so the page offers the download too.
    event.starts_at -= timedelta(days=20)
    event.ends_at -= timedelta(days=20)
    db.session.commit()
    response = organiser_client.get(f"/admin/events/{event.id}/questions?status={status}")
    assert response.status_code == 200
    main = _main(response.get_data(as_text=True))
    _assert_translated(main, *_names(event, *questions))


def test_moderating_says_what_it_did_in_translation(organiser_client):
    event = qa_event()
    plain, flagged, pinned, *_rest = _questions_in_every_state(event)
    admin = f"/admin/events/{event.id}/questions"

    confirm = organiser_client.post(f"{admin}/{flagged.id}/approve")
    assert confirm.status_code == 200
    _assert_translated(_main(confirm.get_data(as_text=True)), *_names(event, flagged))

    refused = organiser_client.post(f"{admin}/{plain.id}/pin")
    assert "⟪You cannot pin a question that is ⟪waiting for a check⟫.⟫" in refused.get_data(
        as_text=True
    )

    organiser_client.post(f"{admin}/approve", data={"question_id": [plain.id, flagged.id]})
    organiser_client.post(f"{admin}/{pinned.id}/unpin")
    page = organiser_client.get(admin).get_data(as_text=True)
    assert _banners(page) == [
        "⟪1 question approved.⟫ ⟪1 not approved: it may include personal details or was "
        "already moderated.⟫",
        "⟪Question unpinned.⟫",
    ]
    organiser_client.post(
        f"{admin}/settings", data={"enabled": "y", "askers": "anyone", "public_list": "y"}
    )
    assert _banners(organiser_client.get(admin).get_data(as_text=True)) == [
        "⟪Q&amp;A settings saved.⟫"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, None),
        ("", "⟪Enter the question⟫"),
        ("x" * (QUESTION_MAX_LENGTH + 1), "⟪The question must be 500 characters or fewer⟫"),
    ],
    ids=["page", "empty", "too-long"],
)
def test_the_edit_page_and_its_errors_are_translated(organiser_client, body, message):
    event = qa_event()
    question = asked(event, "Ring 07700 900123 or email me at sam@example.com")
    address = f"/admin/events/{event.id}/questions/{question.id}/edit"
    if body is None:
        response = organiser_client.get(address)
    else:
        response = organiser_client.post(address, data={"body": body})
    page = response.get_data(as_text=True)
    if message:
        assert message in page
    _assert_translated(_main(page), *_names(event, question), body or "")


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "none-pinned"])
def test_the_presenter_view_is_translated(organiser_client, pinned):
    event = qa_event()
    first = approved(event, "What helped?")
    second = approved(event, "Where next?", display_name="Kai")
    first.pinned = pinned
    db.session.commit()
    for address in ("presenter", "presenter/live"):
        page = organiser_client.get(f"/admin/events/{event.id}/questions/{address}")
        assert page.status_code == 200
        _assert_translated(page.get_data(as_text=True), *_names(event, first, second))
    # The script shows the full-screen button's words, taken from the page.
    whole = organiser_client.get(f"/admin/events/{event.id}/questions/presenter")
    assert 'data-leave="⟪Leave full screen⟫"' in whole.get_data(as_text=True)
    empty = qa_event()
    page = organiser_client.get(f"/admin/events/{empty.id}/questions/presenter/live")
    _assert_translated(page.get_data(as_text=True))


# --- the feedback survey ----------------------------------------------------------------------


def test_the_survey_and_its_thank_you_are_translated(pseudo_app):
    event = ended_event()
    token = survey_token_for(came(event))
    client = pseudo_app.test_client()

    page = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert "⟪Overall, how good was the event?⟫" in page  # our questions, in the page's language
    _assert_translated(page, *_names(event))

    empty = client.post(f"/feedback/{token}", data={})
    assert empty.status_code == 400
    _assert_translated(empty.get_data(as_text=True), *_names(event))
    rating, useful, _change = survey.saved_questions(event)
    long = client.post(f"/feedback/{token}", data={f"q{useful.id}": "x" * 1001})
    assert "⟪Keep your answer to 1000 characters or fewer⟫" in long.get_data(as_text=True)
    _assert_translated(long.get_data(as_text=True), *_names(event), "x" * 1001)

    thanks = client.post(f"/feedback/{token}", data={f"q{rating.id}": "4"})
    assert thanks.status_code == 200
    _assert_translated(thanks.get_data(as_text=True), *_names(event))
    closed = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert "⟪This survey has already been answered." in closed
    _assert_translated(closed, *_names(event))


def test_saying_no_to_surveys_is_translated(pseudo_app):
    event = ended_event()
    person = came(event)
    token = survey_token_for(person)
    client = pseudo_app.test_client()
    _assert_translated(
        client.get(f"/feedback/{token}/no-thanks").get_data(as_text=True), *_names(event)
    )
    _assert_translated(client.post(f"/feedback/{token}/no-thanks").get_data(as_text=True))
    _assert_translated(client.get(f"/feedback/{token}").get_data(as_text=True), *_names(event))


def test_the_ticket_pages_survey_choice_is_translated(pseudo_app):
    event = ended_event()
    person = came(event)
    client = pseudo_app.test_client()
    ticket = f"/tickets/{person.link_token}"
    for choice in ("no", "yes"):
        page = client.get(ticket).get_data(as_text=True)
        _assert_translated(_element(page, "section", 'id="feedback"'))
        client.post(f"{ticket}/feedback/{choice}")
        page = client.get(ticket).get_data(as_text=True)
        [banner] = _banners(page)
        _assert_translated(banner)


def _answered_by_three(event, client):
    for _ in range(3):
        token = survey_token_for(came(event))
        rating, useful, _change = survey.saved_questions(event)
        client.post(f"/feedback/{token}", data={f"q{rating.id}": "4", f"q{useful.id}": "Food"})


@pytest.mark.parametrize("answers", [0, 3], ids=["too-few", "enough"])
def test_the_organisers_feedback_page_is_translated(organiser_client, answers):
    event = ended_event()
    if answers:
        _answered_by_three(event, organiser_client)
    else:
        survey_token_for(came(event))
    page = organiser_client.get(f"/admin/events/{event.id}/feedback").get_data(as_text=True)
    _assert_translated(_main(page), *_names(event, event.host), "Food")
    section = feedback_section(event)
    with organiser_client.application.test_request_context():
        from flask import render_template

        report = render_template(section.template, section=section)
    _assert_translated(report, "Food")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, None),
        ({"text_1": "Only one?"}, "⟪Write between 3 and 5 questions. You wrote 1.⟫"),
        ({"text_1": "x" * 201}, "⟪Keep each question to 200 characters or fewer⟫"),
    ],
    ids=["page", "too-few", "too-long"],
)
def test_choosing_the_survey_questions_is_translated(organiser_client, data, message):
    event = make_event()
    address = f"/admin/events/{event.id}/feedback/questions"
    if data is None:
        response = organiser_client.get(address)
    else:
        response = organiser_client.post(address, data=data)
    page = response.get_data(as_text=True)
    if message:
        assert message in page
    _assert_translated(_main(page), *_names(event), *(data or {}).values())


# --- door staff ---------------------------------------------------------------------------------


@pytest.mark.parametrize("events", [True, False], ids=["with-events", "no-events"])
def test_the_door_page_is_translated(pseudo_app, events):
    person = make_user(Role.DOOR_STAFF)
    given = []
    if events:
        given = [make_event(venue_name="Town Hall"), make_event(status=EventStatus.CANCELLED)]
        for event in given:
            give_event(person, event)
    client = pseudo_app.test_client()
    login(client, person)
    response = client.get("/door/")
    assert response.status_code == 200
    _assert_translated(_main(response.get_data(as_text=True)), *_names(*given), "Town Hall")
