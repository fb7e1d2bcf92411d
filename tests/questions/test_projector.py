"""The presenter view as a projector shows it: large type, and nothing else for the room."""

from __future__ import annotations

import re
from pathlib import Path

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.questions import services
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_user
from tests.questions.helpers import approved, qa_event


def _presenter(client, event, part: str = "") -> str:
    response = client.get(f"/admin/events/{event.id}/questions/presenter{part}")
    assert response.status_code == 200
    return response.text


def _controls(page: str) -> str:
    """The moderator's controls, which appear only on focus or hover."""
    return re.search(r'<div class="projector-controls">(.*?)</div>', page, re.S).group(1)


def test_the_presenter_view_has_no_site_chrome_and_its_own_stylesheet(client) -> None:
    event = qa_event()
    approved(event, "Shown to the room?")
    login(client, make_user(Role.ORGANISER))
    page = _presenter(client, event)
    assert "Shown to the room?" in page
    assert 'class="projector"' in page
    assert "css/presenter.css" in page
    assert "site-header" not in page and "<header" not in page
    assert "site-footer" not in page and "<footer" not in page
    assert "Need support?" not in page
    # The skip link is in every page's markup; the projector's stylesheet hides it.
    stylesheet = Path(client.application.static_folder, "css", "presenter.css").read_text()
    assert ".projector .skip-link{display:none}" in stylesheet


def test_the_rest_of_the_site_does_not_load_the_projector_stylesheet(client) -> None:
    event = qa_event()
    assert "presenter.css" not in client.get(f"/events/{event.slug}").text
    login(client, make_user(Role.ORGANISER))
    assert "presenter.css" not in client.get(f"/admin/events/{event.id}/questions").text


def test_the_room_sees_no_forms_or_buttons(client) -> None:
    event = qa_event()
    organiser = make_user(Role.ORGANISER)
    pinned = approved(event, "Being answered?")
    approved(event, "Coming next?")
    services.pin_question(pinned, actor=organiser, now=utcnow())
    db.session.commit()
    login(client, organiser)
    page = _presenter(client, event)
    live = _presenter(client, event, "/live")
    assert "Being answered?" in live and "Coming next?" in live
    assert "<form" not in page and "<form" not in live
    assert "<button" not in live
    # The one button (full screen, shown by the script) and the way back are the hidden controls.
    controls = _controls(page)
    assert page.count("<button") == controls.count("<button") == 1
    assert 'id="projector-fullscreen" hidden' in controls
    assert "Back to the questions" in controls
    outside = page.replace(controls, "")
    assert "<a " not in outside.split('<main id="main"', 1)[1]


def test_moderation_moves_go_back_to_the_queue(client) -> None:
    # No page posts from the presenter view any more: an old "back to presenter" goes to the queue.
    event = qa_event()
    question = approved(event, "Pin me?")
    login(client, make_user(Role.ORGANISER))
    response = client.post(
        f"/admin/events/{event.id}/questions/{question.id}/pin", data={"back_to": "presenter"}
    )
    assert response.location.endswith(f"/admin/events/{event.id}/questions")


def test_fewer_questions_come_next_beside_a_pinned_one(app) -> None:
    event = qa_event()
    organiser = make_user(Role.ORGANISER)
    questions = [approved(event, f"Question {n}?") for n in range(7)]
    assert services.presenter_questions(event) == (None, questions[:5])
    services.pin_question(questions[0], actor=organiser, now=utcnow())
    db.session.commit()
    assert services.presenter_questions(event) == (questions[0], questions[1:4])


def test_a_long_pinned_question_is_drawn_smaller_to_fit_the_screen(client) -> None:
    event = qa_event()
    organiser = make_user(Role.ORGANISER)
    login(client, organiser)
    sizes = {}
    for words in ("Short?", "Longer question? " * 12, "Very long question? " * 20):
        question = approved(event, words.strip())
        services.pin_question(question, actor=organiser, now=utcnow())
        db.session.commit()
        live = _presenter(client, event, "/live")
        sizes[len(question.body)] = re.search(r'class="(presenter-pinned[^"]*)"', live).group(1)
    assert list(sizes.values()) == [
        "presenter-pinned",
        "presenter-pinned presenter-pinned-long",
        "presenter-pinned presenter-pinned-longer",
    ], sizes
