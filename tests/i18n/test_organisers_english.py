"""Words organisers type (in English, with no Welsh version) are marked lang="en" on Welsh and
Arabic pages and emails, and dir="ltr" on Arabic ones, so a screen reader reads them with
English sounds; English pages and emails come out as they always did."""

from __future__ import annotations

from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.registrations import messages
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.question_setup import QuestionDetails, add_question
from nclw.registrations.sign_up_questions import QuestionKind
from nclw.timezones import utcnow
from tests.factories import make_organisation, make_registration, ticket_link
from tests.mail.gallery import in_person_event

# How each page language marks English: nothing on an English page.
MARKS = {"en": "", "cy": ' lang="en"', "ar": ' lang="en" dir="ltr"'}


def _span(code: str, text: str) -> str:
    return f"<span{MARKS[code]}>{text}</span>" if MARKS[code] else text


def _hall(**overrides):
    return in_person_event(
        highlights="Free lunch\nA CV check",
        host=make_organisation(name="Luton Youth Trust"),
        **overrides,
    )


def test_the_event_page_marks_the_venue_host_and_highlights(client):
    event = _hall()
    for code in ("cy", "ar"):
        html = client.get(f"/{code}/events/{event.slug}").get_data(as_text=True)
        assert _span(code, "Luton Youth Trust") in html
        assert f"{_span(code, 'Town Hall')}, {_span(code, '1 High Street, Luton')}" in html
        assert f"<li>{_span(code, 'Free lunch')}</li>" in html
        assert f"<li>{_span(code, 'A CV check')}</li>" in html
    english = client.get(f"/en/events/{event.slug}").get_data(as_text=True)
    assert '<p class="caption">Hosted by Luton Youth Trust</p>' in english
    assert "Town Hall, 1 High Street, Luton" in english
    assert "<li>Free lunch</li>" in english
    assert ' lang="en"' not in english


def test_a_cancelled_events_reason_is_marked(client):
    event = _hall(status=EventStatus.CANCELLED, cancel_reason="The hall flooded.")
    welsh = client.get(f"/cy/events/{event.slug}").get_data(as_text=True)
    arabic = client.get(f"/ar/events/{event.slug}").get_data(as_text=True)
    english = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert '</strong> <span lang="en">The hall flooded.</span></p>' in welsh
    assert '</strong> <span lang="en" dir="ltr">The hall flooded.</span></p>' in arabic
    assert "</strong> The hall flooded.</p>" in english


def test_the_week_page_marks_each_host(client):
    _hall()
    assert '<span lang="en">Luton Youth Trust</span>' in client.get("/cy/").text
    assert '<span lang="en" dir="ltr">Luton Youth Trust</span>' in client.get("/ar/").text
    assert "Hosted by Luton Youth Trust</p>" in client.get("/en/").text


def _questions(event) -> None:
    for details in (
        QuestionDetails(
            label="Which kind of job interests you most?",
            kind=QuestionKind.ONE_CHOICE,
            why_we_ask="So the speakers bring the right people.",
            help_text="Pick the closest.",
            choices="Creative\nOutdoors",
            required=True,
        ),
        QuestionDetails(
            label="Anything to cover?",
            kind=QuestionKind.SEVERAL_CHOICES,
            why_we_ask="So the session answers what you came for.",
            choices="Money\nHousing",
        ),
    ):
        add_question(event, details, actor=None, now=utcnow())
    db.session.commit()


def test_the_sign_up_form_marks_the_events_own_questions_hints_and_choices(client):
    event = _hall()
    _questions(event)
    for code in ("cy", "ar"):
        html = client.get(f"/{code}/events/{event.slug}/register").get_data(as_text=True)
        assert f"<legend>{_span(code, 'Which kind of job interests you most?')}</legend>" in html
        # An optional question: the site's "(optional)" is in the page's language, unmarked.
        assert f"<legend>{_span(code, 'Anything to cover?')} (" in html
        assert f"{_span(code, 'Pick the closest.')} " in html
        assert _span(code, "So the speakers bring the right people.") in html
        for choice in ("Creative", "Outdoors", "Money", "Housing"):
            assert f'">{_span(code, choice)}</label>' in html
    english = client.get(f"/en/events/{event.slug}/register").get_data(as_text=True)
    assert "<legend>Which kind of job interests you most?</legend>" in english
    assert "<legend>Anything to cover? (optional)</legend>" in english
    assert "Pick the closest. Why we ask: So the speakers bring the right people.</p>" in english
    assert '">Creative</label>' in english
    assert ' lang="en"' not in english


def test_the_ticket_page_marks_the_venue_host_and_the_organisers_reason(client):
    event = _hall()
    going = make_registration(event, share_with_host=True)
    dropped = make_registration(
        event,
        status=RegistrationStatus.CANCELLED,
        cancellation_reason="You booked twice.",
    )
    for code in ("cy", "ar"):
        html = client.get(f"/{code}/tickets/{ticket_link(going)}").get_data(as_text=True)
        assert f"<dd>{_span(code, 'Town Hall')}, {_span(code, '1 High Street, Luton')}</dd>" in html
        assert html.count(_span(code, "Luton Youth Trust")) == 2  # the sentence and its button
        html = client.get(f"/{code}/tickets/{ticket_link(dropped)}").get_data(as_text=True)
        assert f"<dd>{_span(code, 'You booked twice.')}</dd>" in html
    english = client.get(f"/tickets/{ticket_link(going)}").get_data(as_text=True)
    assert "<dd>Town Hall, 1 High Street, Luton</dd>" in english
    assert "with Luton Youth Trust, who runs this event." in english
    assert ' lang="en"' not in english
    english = client.get(f"/tickets/{ticket_link(dropped)}").get_data(as_text=True)
    assert "<dd>You booked twice.</dd>" in english


def test_emails_to_welsh_and_arabic_tickets_mark_the_organisers_words(app):
    event = _hall()
    body = "Bring a coat.\n\nWe start at ten."
    for code in ("cy", "ar", "en"):
        person = make_registration(event, language=code)
        message = messages.attendee_message(person, "Tomorrow", body).html_body
        assert f"<blockquote{MARKS[code]} class=" in message
        assert "<p>Bring a coat.</p>" in message
        ticket = messages.ticket_confirmed(person).html_body
        assert _span(code, "Town Hall, 1 High Street, Luton") + "</p>" in ticket
        cancelled = messages.cancelled_by_organisers(
            person, reason="You booked twice.", cancelled_by="Jo"
        ).html_body
        assert _span(code, "You booked twice.") + "</p>" in cancelled
        ended = messages.event_cancelled(person, "The hall flooded.").html_body
        assert _span(code, "The hall flooded.") + "</p>" in ended
        if code == "en":
            for html in (message, ticket, cancelled, ended):
                assert ' lang="en"' not in html
        # Plain text has nowhere to say it: it stays as typed.
        assert "Bring a coat." in messages.attendee_message(person, "Tomorrow", body).text_body
