"""A page outside a language's part of the site is written wholly in English, and says so.

Arabic covers the young person's journey (nclw.i18n.JOURNEY). An Arabic address outside it,
reached from an Arabic page's links, must not be English words under an Arabic header in a
page marked `lang="ar" dir="rtl"`: a screen reader would read the English as Arabic.
"""

from __future__ import annotations

import re

import pytest
from flask import render_template
from jinja2 import meta

from nclw import PROJECT_ROOT
from nclw.i18n import current_language, in_journey
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user, ticket_link
from tests.feedback.helpers import came, ended_event, survey_token_for

ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
TEMPLATES = PROJECT_ROOT / "templates"


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize("path", ["/privacy", "/accessibility", "/sign-in", "/account/reset"])
def test_an_arabic_address_outside_the_journey_is_an_english_page(client, path):
    response = client.get(f"/ar{path}")
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert _html_tag(html) == '<html lang="en-GB" dir="ltr">'
    assert not ARABIC_LETTERS.search(html), ARABIC_LETTERS.findall(html)[:20]


def test_the_back_office_at_an_arabic_address_is_english(client):
    login(client, make_user())
    event = make_event()
    # The second is drawn by the questions area, whose public pages are in the journey.
    for path in (f"/admin/events/{event.id}", f"/admin/events/{event.id}/questions"):
        response = client.get(f"/ar{path}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert _html_tag(html) == '<html lang="en-GB" dir="ltr">', path
        assert not ARABIC_LETTERS.search(html), (path, ARABIC_LETTERS.findall(html)[:20])


def test_journey_pages_stay_arabic_including_the_support_page_and_the_survey_panel(client):
    event = make_event()
    token = ticket_link(make_registration(event))
    for path in ("/", f"/events/{event.slug}", "/support", f"/tickets/{token}"):
        html = client.get(f"/ar{path}").get_data(as_text=True)
        assert _html_tag(html) == '<html lang="ar" dir="rtl">', path
    ticket = client.get(f"/ar/tickets/{token}").get_data(as_text=True)
    assert "استبيان" in ticket  # the survey panel, in Arabic
    assert "Feedback survey" not in ticket


def test_an_english_page_leaves_the_request_in_its_own_language(app):
    # The page in English is a stretch of one render: whatever the request writes after it
    # (another page, an email) is in the request's language again.
    with app.test_request_context("/ar/privacy", environ_overrides={"nclw.language": "ar"}):
        assert current_language() == "ar"
        html = render_template("pages/privacy.html", retention_days=30, backup_days=7)
        assert _html_tag(html) == '<html lang="en-GB" dir="ltr">'
        assert current_language() == "ar"
        after = render_template("pages/support.html")
        assert _html_tag(after) == '<html lang="ar" dir="rtl">'
        assert ARABIC_LETTERS.search(after)


def _journey_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if in_journey(f"templates/{name}"):
            yield name


def test_journey_templates_draw_only_on_journey_templates(app):
    # The Arabic catalogue holds only the journey's strings: a part drawn from elsewhere
    # (an include, an import, a base) would be English inside an Arabic page.
    outside = []
    for name in _journey_templates():
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        for used in meta.find_referenced_templates(app.jinja_env.parse(source)):
            if used is not None and not in_journey(f"templates/{used}"):
                outside.append(f"{name} uses {used}")
    assert not outside, outside
    assert "registrations/ticket.html" in set(_journey_templates())


def test_the_feedback_survey_is_in_arabic_and_the_organisers_results_are_not(client):
    event = ended_event()
    token = survey_token_for(came(event, language="ar"))
    survey = client.get(f"/ar/feedback/{token}").get_data(as_text=True)
    assert _html_tag(survey) == '<html lang="ar" dir="rtl">'
    assert "أرسل إجاباتي" in survey and "Send my answers" not in survey
    # The organisers' Feedback page is drawn by the same module: the back office is English.
    login(client, make_user())
    results = client.get(f"/ar/admin/events/{event.id}/feedback").get_data(as_text=True)
    assert _html_tag(results) == '<html lang="en-GB" dir="ltr">'
    assert not ARABIC_LETTERS.search(results), ARABIC_LETTERS.findall(results)[:20]


def test_saying_no_to_the_survey_on_an_arabic_ticket_is_answered_in_arabic(client):
    token = ticket_link(make_registration(make_event(), language="ar"))
    page = client.post(f"/ar/tickets/{token}/feedback/no", follow_redirects=True)
    assert page.status_code == 200
    assert "لن نرسل إليك استبيان رأي عن هذه الفعالية." in page.get_data(as_text=True)
