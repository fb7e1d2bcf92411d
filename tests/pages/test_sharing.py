"""Icons, and what a page lets search engines and link previews say about it."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from nclw.events.models import EventStatus
from nclw.pages.sharing import DEFAULT_DESCRIPTION, head_meta
from tests.conftest import login
from tests.factories import make_edition, make_event, make_registration, make_user

SITE = "http://nclw.test"  # SITE_URL in the tests' settings


class _Head(HTMLParser):
    """The <meta> and <link> tags of a page: name/property -> content, and the icons."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.icons: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and "content" in values:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"]
        if tag == "link" and "icon" in (values.get("rel") or ""):
            self.icons.append(values["href"])


def head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


def _fetch(client, path: str) -> tuple[int, str, bytes]:
    """A file's status, type and body (the response closed: it holds the file open)."""
    with client.get(path) as response:
        return response.status_code, response.mimetype, response.data


def test_favicon_is_a_real_icon_at_the_root(client):
    status, mimetype, body = _fetch(client, "/favicon.ico")
    assert status == 200
    assert mimetype == "image/vnd.microsoft.icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO file signature


def test_every_icon_a_page_links_is_there_with_its_type(client):
    make_edition()
    icons = head(client.get("/").text).icons
    assert len(icons) == 3
    fetched = {href: _fetch(client, href) for href in icons}
    assert {status for status, _, _ in fetched.values()} == {200}
    types = {mimetype for _, mimetype, _ in fetched.values()}
    assert types == {"image/vnd.microsoft.icon", "image/svg+xml", "image/png"}


def test_week_page_shares_its_theme_dates_and_picture_with_absolute_addresses(client):
    edition = make_edition(theme="Care leavers with careers")
    make_event()
    tags = head(client.get("/?format=online").text).meta
    assert tags["og:title"] == f"National Care Leavers' Week {edition.year}"
    assert tags["description"].startswith("Care leavers with careers. ")
    assert f"{edition.starts_on.day} {edition.starts_on:%B}" in tags["description"]
    assert tags["og:description"] == tags["description"]
    assert tags["og:url"] == f"{SITE}/"  # the page itself, not this visit's filters
    assert tags["og:image"] == f"{SITE}/week/share.png"
    assert tags["og:type"] == "website"
    assert tags["og:site_name"]
    assert tags["og:locale"] == "en_GB"
    assert tags["twitter:card"] == "summary_large_image"
    assert "robots" not in tags


def test_event_page_shares_its_title_summary_and_own_picture(client):
    event = make_event(title="Cooking on a budget", summary="Learn five cheap meals.")
    tags = head(client.get(f"/events/{event.slug}").text).meta
    assert tags["og:title"] == "Cooking on a budget"
    assert tags["description"] == tags["og:description"] == "Learn five cheap meals."
    assert tags["og:url"] == f"{SITE}/events/{event.slug}"
    assert tags["og:image"] == f"{SITE}/events/{event.slug}/share.png"
    assert tags["og:type"] == "article"


def test_information_pages_have_a_description_and_the_week_picture(client):
    tags = head(client.get("/support").text).meta
    assert tags["description"] == DEFAULT_DESCRIPTION
    assert tags["og:url"] == f"{SITE}/support"
    assert tags["og:image"] == f"{SITE}/week/share.png"


def _assert_shares_nothing(html: str) -> None:
    tags = head(html).meta
    assert tags.get("robots") == "noindex"
    leaked = sorted(
        key for key in tags if key.startswith(("og:", "twitter:")) or key == "description"
    )
    assert leaked == []
    assert 'property="og:' not in html


def test_ticket_page_is_noindex_and_never_puts_its_address_in_a_preview(client):
    registration = make_registration(make_event())
    path = f"/tickets/{registration.link_token}"
    response = client.get(path)
    assert response.status_code == 200
    _assert_shares_nothing(response.text)
    assert f"{SITE}{path}" not in response.text


@pytest.mark.parametrize("page", ["cancel", "delete"])
def test_pages_reached_from_a_ticket_share_nothing(client, page):
    registration = make_registration(make_event())
    response = client.get(f"/tickets/{registration.link_token}/{page}")
    assert response.status_code == 200
    _assert_shares_nothing(response.text)


def test_back_office_and_sign_in_pages_share_nothing(client):
    make_event()
    _assert_shares_nothing(client.get("/sign-in").text)
    login(client, make_user())
    for path in ("/admin/", "/admin/events", "/account"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_shares_nothing(response.text)


def test_error_pages_share_nothing(client):
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    _assert_shares_nothing(response.text)


def test_a_cancelled_event_still_shares_its_page(client):
    event = make_event(status=EventStatus.CANCELLED)
    tags = head(client.get(f"/events/{event.slug}").text).meta
    assert tags["og:url"] == f"{SITE}/events/{event.slug}"


def test_sign_up_form_of_a_published_event_shares_the_event(client):
    event = make_event(summary="Meet the team.")
    tags = head(client.get(f"/events/{event.slug}/register").text).meta
    assert tags["og:image"] == f"{SITE}/events/{event.slug}/share.png"
    assert tags["description"] == "Meet the team."


def test_a_long_summary_is_shortened_at_a_word(client):
    # 274 characters: longer than a description may be, within what an event summary holds.
    event = make_event(summary=" ".join(["word"] * 55))
    description = head(client.get(f"/events/{event.slug}").text).meta["description"]
    assert len(description) <= 200
    assert re.fullmatch(r"(word )*word…", description)


def test_an_unpublished_event_shares_nothing_wherever_it_is_drawn(app):
    draft = make_event(status=EventStatus.DRAFT)
    published = make_event()
    with app.test_request_context(f"/events/{draft.slug}"):
        assert head_meta(event=draft).private
        assert not head_meta(event=published).private


def test_answers_to_a_form_share_nothing(app):
    event = make_event()
    with app.test_request_context(f"/events/{event.slug}/register", method="POST"):
        assert head_meta(event=event).private


def test_an_earlier_week_shares_its_own_picture(client):
    make_edition(year=2020, theme="Then", starts_on=date(2020, 10, 26), ends_on=date(2020, 11, 1))
    make_event()
    tags = head(client.get("/weeks/2020").text).meta
    assert tags["og:image"] == f"{SITE}/weeks/2020/share.png"
    assert tags["og:url"] == f"{SITE}/weeks/2020"
    assert tags["description"].startswith("Then. Monday 26 October to Sunday 1 November 2020.")
