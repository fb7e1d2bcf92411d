"""An event's Welsh title, summary and description: one rule for which text a page shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from nclw.errors import InvalidInput
from nclw.events.details import TEXT_LIMITS, WELSH_FIELDS, check_details
from nclw.events.localised import LocalText, event_text, in_language, local_markup, local_text
from nclw.events.models import Event, EventFormat
from nclw.extensions import db
from nclw.mail import ical
from nclw.pages import share_image
from nclw.registrations import messages
from tests.backoffice.helpers import event_form_data
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user

STARTS = datetime(2030, 10, 28, 16, tzinfo=UTC)


class Words:
    """Just the texts of an event, for the rule alone."""

    def __init__(self, **texts) -> None:
        self.title, self.summary, self.description = "CV clinic", "Bring your CV.", ""
        self.title_cy = self.summary_cy = self.description_cy = ""
        vars(self).update(texts)


def _details(**changes) -> dict:
    return {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=1),
    } | changes


# --- The rules for what may be written ----------------------------------------------------------


@pytest.mark.parametrize("name", WELSH_FIELDS)
def test_welsh_text_has_the_english_texts_limit(name):
    limit = TEXT_LIMITS[name]
    assert limit == TEXT_LIMITS[name.removesuffix("_cy")]
    check_details(_details(**{name: "a" * limit}))
    with pytest.raises(InvalidInput, match=f"The Welsh .* must be {limit:,} characters or fewer"):
        check_details(_details(**{name: "a" * (limit + 1)}))


@pytest.mark.parametrize("name", WELSH_FIELDS)
def test_welsh_text_may_be_left_empty(name):
    check_details(_details(**{name: ""}))


def test_a_welsh_title_is_one_line():
    with pytest.raises(InvalidInput, match="Type the Welsh title on one line"):
        check_details(_details(title_cy="Clinig\nCV"))
    check_details(_details(description_cy="Paragraff un.\n\nParagraff dau."))


def test_an_organiser_gets_the_limit_beside_the_field(app, client):
    event = make_event(title="CV clinic")
    login(client, make_user())
    too_long = "a" * (TEXT_LIMITS["title_cy"] + 1)
    page = client.post(
        f"/admin/events/{event.id}/edit", data=event_form_data(event, title_cy=too_long)
    )
    assert page.status_code == 400  # the form again, with the message
    assert "The Welsh title must be 160 characters or fewer" in page.text
    db.session.expire_all()
    assert db.session.get(Event, event.id).title_cy == ""


def test_an_organiser_saves_welsh_text_and_sees_it_again(app, client):
    event = make_event(title="CV clinic")
    login(client, make_user())
    form = client.get(f"/admin/events/{event.id}/edit").text
    assert "Welsh (Cymraeg)" in form and 'name="title_cy"' in form
    saved = client.post(
        f"/admin/events/{event.id}/edit",
        data=event_form_data(event, title_cy="  Clinig CV ", summary_cy="Dewch â'ch CV."),
    )
    assert saved.status_code == 302
    db.session.expire_all()
    live = db.session.get(Event, event.id)
    assert (live.title_cy, live.summary_cy, live.description_cy) == (
        "Clinig CV",
        "Dewch â'ch CV.",
        "",
    )
    assert 'value="Clinig CV"' in client.get(f"/admin/events/{event.id}/edit").text


# --- The one rule for which text shows -----------------------------------------------------------


def test_welsh_shows_where_it_was_written_and_english_marked_where_not():
    words = Words(title_cy="Clinig CV")
    assert event_text(words, "title", "cy") == LocalText("Clinig CV", None)
    assert event_text(words, "summary", "cy").text == "Bring your CV."
    assert event_text(words, "summary", "cy").lang == "en"
    # English pages never show Welsh, and Arabic pages show the English, marked.
    assert event_text(words, "title", "en").text == "CV clinic"
    assert event_text(words, "title", "en").lang is None
    assert event_text(words, "title", "ar").lang == "en"
    # Nothing to mark when there is nothing to show.
    assert event_text(words, "description", "cy").lang is None


def test_welsh_of_only_spaces_counts_as_none():
    assert event_text(Words(title_cy="   "), "title", "cy").text == "CV clinic"


def test_markup_is_escaped_and_marked(app):
    words = Words(title="Fish & <chips>", description="One.\n\nTwo <b>.")
    with app.test_request_context("/cy/"), force_locale("cy"):
        assert local_markup(words, "title") == Markup(
            '<span lang="en">Fish &amp; &lt;chips&gt;</span>'
        )
        assert local_markup(words, "description", paragraphs=True) == Markup(
            '<p lang="en">One.</p><p lang="en">Two &lt;b&gt;.</p>'
        )
        assert local_text(words, "title") == "Fish & <chips>"
        # The calendar reads the event's words through the same rule.
        assert in_language(Words(title_cy="Clinig CV")).title == "Clinig CV"
    with app.test_request_context("/"):
        assert local_markup(words, "title") == Markup("Fish &amp; &lt;chips&gt;")


# --- Where people see it -------------------------------------------------------------------------


@pytest.fixture
def welsh_event(app):
    return make_event(
        slug="cv-clinic",
        title="CV clinic",
        summary="Bring your CV.",
        description="First part.\n\nSecond part.",
        title_cy="Clinig CV",
        summary_cy="Dewch â'ch CV.",
    )


def test_a_welsh_event_page_shows_the_welsh_title_unmarked(client, welsh_event):
    page = client.get("/cy/events/cv-clinic").text
    assert "<h1>Clinig CV</h1>" in page
    assert "<title>Clinig CV" in page
    assert '<p class="lead">Dewch â&#39;ch CV.</p>' in page
    # No Welsh description: the English shows, paragraph by paragraph, marked as English.
    assert '<p lang="en">First part.</p><p lang="en">Second part.</p>' in page
    assert 'content="Dewch â&#39;ch CV."' in page  # what a link preview says


def test_an_event_with_no_welsh_title_shows_the_english_marked(client):
    make_event(slug="money-skills", title="Money skills", summary="Budgeting.")
    page = client.get("/cy/events/money-skills").text
    assert '<h1><span lang="en">Money skills</span></h1>' in page
    assert '<p class="lead"><span lang="en">Budgeting.</span></p>' in page
    week = client.get("/cy/").text
    assert '<span lang="en">Money skills</span>' in week


def test_the_english_page_never_shows_welsh(client, welsh_event):
    for path in ("/events/cv-clinic", "/en/events/cv-clinic", "/en/"):
        page = client.get(path).text
        assert "Clinig CV" not in page and "Dewch" not in page
        assert 'lang="en">CV clinic' not in page
    assert "<h1>CV clinic</h1>" in client.get("/events/cv-clinic").text


def test_the_week_page_in_welsh_shows_the_welsh_cards(client, welsh_event):
    week = client.get("/cy/").text
    assert ">Clinig CV</a>" in week and "<p>Dewch â&#39;ch CV.</p>" in week
    assert "Clinig CV" not in client.get("/").text


def test_arabic_pages_show_the_english_marked(client, welsh_event):
    page = client.get("/ar/events/cv-clinic").text
    assert '<h1><span lang="en" dir="ltr">CV clinic</span></h1>' in page
    assert '<p lang="en" dir="ltr">First part.</p>' in page
    assert "Clinig CV" not in page


def test_the_calendar_under_cy_is_in_welsh(client, welsh_event):
    welsh = client.get("/cy/events/cv-clinic.ics").text.replace("\r\n ", "")
    assert "SUMMARY:Clinig CV" in welsh
    assert "DESCRIPTION:Dewch â'ch CV." in welsh
    english = client.get("/events/cv-clinic.ics").text
    assert "SUMMARY:CV clinic" in english and "Clinig" not in english
    feed = client.get("/cy/week.ics").text
    assert "SUMMARY:Clinig CV" in feed


def test_the_api_gives_the_welsh_text_beside_the_english(client, welsh_event):
    [event] = client.get("/api/events").get_json()["events"]
    assert event["title"] == "CV clinic"
    assert event["title_cy"] == "Clinig CV"
    assert event["summary_cy"] == "Dewch â'ch CV."
    assert event["description_cy"] is None
    assert client.get("/api/events/cv-clinic").get_json()["title_cy"] == "Clinig CV"


def test_a_welsh_tickets_email_and_invite_use_the_welsh_title(app, welsh_event):
    registration = make_registration(welsh_event, language="cy")
    # Written in the ticket's language, whatever language the page that sends it is in.
    with force_locale("en"):
        email = messages.ticket_confirmed(registration)
    assert "Clinig CV" in email.subject
    assert "Clinig CV" in email.text_body
    assert "SUMMARY:Clinig CV" in email.ical_body.replace("\r\n ", "")
    english_ticket = make_registration(welsh_event, language="en")
    with force_locale("cy"):
        english = messages.ticket_confirmed(english_ticket)
    assert "Clinig CV" not in english.subject + english.text_body + english.ical_body


def test_an_english_only_event_in_a_welsh_email_is_marked_english(app):
    event = make_event(title="Money skills", format=EventFormat.ONLINE)
    registration = make_registration(event, language="cy")
    with force_locale("cy"):
        email = messages.ticket_confirmed(registration)
    assert '<span lang="en">Money skills</span>' in email.html_body
    assert "Money skills" in email.subject and "<span" not in email.subject


def test_the_calendar_writer_reads_an_event_in_a_language_as_it_is(app, welsh_event):
    calendar = ical.public_calendar([in_language(welsh_event, "cy")]).decode()
    assert "SUMMARY:Clinig CV" in calendar
    assert f"event-{welsh_event.id}@" in calendar


def test_a_welsh_links_preview_picture_has_the_welsh_title(app, welsh_event):
    with app.test_request_context("/cy/events/cv-clinic/share.png"), force_locale("cy"):
        assert share_image.event_card(welsh_event).title == "Clinig CV"
    with app.test_request_context("/events/cv-clinic/share.png"):
        assert share_image.event_card(welsh_event).title == "CV clinic"
