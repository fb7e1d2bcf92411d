"""Where a person lands after sending a question: on the thank-you, in view on a phone."""

from __future__ import annotations

import re

from nclw.events.models import QuestionAskers
from tests.factories import make_registration
from tests.questions.helpers import qa_event

THANKS = "Thank you. Your question will be checked before anyone else sees it."


def _banner(page: str) -> str:
    found = re.search(r'<div[^>]*id="question-sent"[^>]*>(.*?)</div>', page, re.S)
    return found.group(0) if found else ""


def test_asking_from_a_ticket_lands_on_the_thank_you_once(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    ticket = f"/tickets/{registration.link_token}"
    response = client.post(f"{ticket}/questions/ask", data={"body": "Is lunch included?"})
    assert response.status_code == 302
    assert response.location.endswith(f"{ticket}#question-sent")
    page = client.get(ticket).text
    banner = _banner(page)
    assert THANKS in banner
    assert 'tabindex="-1"' in banner and 'role="status"' in banner
    # Inside the questions panel, and not also at the top of the page.
    assert page.index('id="questions"') < page.index('id="question-sent"')
    assert page.count(THANKS) == 1
    assert _banner(client.get(ticket).text) == ""


def test_asking_from_the_event_page_lands_on_the_thank_you(client) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    response = client.post(
        f"/events/{event.slug}/questions/ask", data={"body": "Call me on 07700 900123?"}
    )
    assert response.location.endswith(f"/events/{event.slug}#question-sent")
    banner = _banner(client.get(f"/events/{event.slug}").text)
    assert THANKS in banner
    assert "It seems to include a phone number" in banner


def test_the_thank_you_shows_only_on_the_event_it_was_sent_to(client) -> None:
    asked_here, elsewhere = qa_event(), qa_event()
    here = make_registration(asked_here)
    client.post(f"/tickets/{here.link_token}/questions/ask", data={"body": "Here?"})
    assert _banner(client.get(f"/tickets/{make_registration(elsewhere).link_token}").text) == ""
    assert THANKS in _banner(client.get(f"/tickets/{here.link_token}").text)


def test_a_refused_question_shows_no_thank_you(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    ticket = f"/tickets/{registration.link_token}"
    response = client.post(f"{ticket}/questions/ask", data={"body": "x" * 501})
    assert response.status_code == 400
    assert _banner(client.get(ticket).text) == ""
