"""The header offers a language only where the page is written in it: Welsh everywhere, Arabic
on the young person's journey (nclw.i18n.JOURNEY, which its catalogue is built from)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from nclw.i18n import LANGUAGES, in_journey, writes
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user, ticket_link
from tests.support.pseudo import extracted
from tools import translations


class _Switch(HTMLParser):
    """The header's links to other languages: {hreflang: href}."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "hreflang" in found:
            self.links[found["hreflang"]] = found["href"]


def _offered(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return _Switch(response.get_data(as_text=True)).links


def test_pages_of_the_journey_offer_arabic_and_welsh(client):
    event = make_event()
    token = ticket_link(make_registration(event))
    pages = ("/", f"/events/{event.slug}", f"/events/{event.slug}/register", f"/tickets/{token}")
    for path in pages:
        assert _offered(client, f"/en{path}") == {"cy": f"/cy{path}", "ar": f"/ar{path}"}
        assert _offered(client, f"/cy{path}") == {"en-GB": f"/en{path}", "ar": f"/ar{path}"}
        assert _offered(client, f"/ar{path}") == {"en-GB": f"/en{path}", "cy": f"/cy{path}"}


def test_pages_outside_the_journey_offer_welsh_but_not_arabic(client):
    for path in ("/privacy", "/accessibility", "/sign-in"):
        assert _offered(client, f"/en{path}") == {"cy": f"/cy{path}"}, path
        assert _offered(client, f"/cy{path}") == {"en-GB": f"/en{path}"}, path
        # An Arabic address outside the journey is an English page: it offers Welsh.
        assert _offered(client, f"/ar{path}") == {"cy": f"/cy{path}"}, path


def test_the_support_page_is_in_the_journey(client):
    # The header's "Get support" is on every Arabic page: it leads to a page in Arabic.
    assert _offered(client, "/ar/support") == {"en-GB": "/en/support", "cy": "/cy/support"}


def test_the_back_office_offers_welsh_but_not_arabic(client):
    event = make_event()
    login(client, make_user())
    for path in (
        "/admin/",
        f"/admin/events/{event.id}",
        f"/admin/events/{event.id}/check-in",
        # Drawn by the questions area, whose public pages are in Arabic too.
        f"/admin/events/{event.id}/questions",
    ):
        assert _offered(client, f"/en{path}") == {"cy": f"/cy{path}"}, path
        assert _offered(client, f"/cy{path}") == {"en-GB": f"/en{path}"}, path


@pytest.mark.parametrize(
    ("template", "arabic"),
    [
        ("events/week.html", True),
        ("registrations/ticket.html", True),
        ("questions/ask.html", True),
        ("errors/404.html", True),
        ("backoffice/check_in.html", False),
        ("pages/support.html", True),
        ("feedback/_ticket_panel.html", True),
        ("pages/privacy.html", False),
        ("feedback/survey.html", True),
        ("feedback/results.html", False),
        ("accounts/sign_in.html", False),
        (None, False),
    ],
)
def test_which_pages_are_written_in_which_language(template, arabic):
    assert writes("ar", template) is arabic
    assert writes("cy", template) and writes("en", template)
    assert not writes("fr", template)


def test_the_arabic_catalogue_and_the_switch_follow_one_list():
    # The catalogue keeps a string when one of the files it is used in is in the journey; the
    # switch offers Arabic on a page whose template is: both read nclw.i18n.JOURNEY.
    template = extracted()
    arabic = translations.template_for("ar", template)
    for message in template:
        if not message.id:
            continue
        used_in_journey = any(in_journey(filename) for filename, _ in message.locations)
        assert (message.id in arabic) is used_in_journey, message.id
    assert not LANGUAGES["ar"].whole_site and LANGUAGES["cy"].whole_site
