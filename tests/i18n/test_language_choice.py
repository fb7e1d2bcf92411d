"""Choosing a language: the address chooses it (/cy/, /ar/, /en/) and every link keeps it; an
address without one follows the browser's Accept-Language; caches never mix them up."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from nclw.events.cache import week_pages
from nclw.events.models import EventFormat
from nclw.events.shortcut import shared_page_shortcut as week_shortcut
from tests.factories import make_edition, make_event, make_registration, ticket_link

LANGS = {"en": ("en-GB", "ltr"), "cy": ("cy", "ltr"), "ar": ("ar", "rtl")}


class _Page(HTMLParser):
    """The bits of a page this file looks at: <html lang dir>, links, and the language switch."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.dir: str | None = None
        self.addresses: list[str] = []  # every href, src and action on the page
        self.switch: list[dict[str, str | None]] = []  # links that name another language
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "html":
            self.lang, self.dir = found.get("lang"), found.get("dir")
        if tag == "a" and "hreflang" in found:
            self.switch.append(found)
            return
        for name in ("href", "src", "action"):
            if found.get(name):
                self.addresses.append(found[name])


def _page(client, path: str, **headers) -> tuple[_Page, object]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return _Page(response.get_data(as_text=True)), response


def _site_addresses(page: _Page) -> list[str]:
    """The page's own addresses: not other sites, phone numbers or anchors."""
    return [a for a in page.addresses if a.startswith("/") and not a.startswith("//")]


@pytest.mark.parametrize("code", ["cy", "ar", "en"])
def test_the_prefix_chooses_the_language_and_every_link_keeps_it(app, client, code):
    event = make_event()
    registration = make_registration(event)
    token = ticket_link(registration)
    lang, direction = LANGS[code]
    for path in (
        "/",
        f"/events/{event.slug}",
        f"/events/{event.slug}/register",
        f"/tickets/{token}",
    ):
        page, response = _page(client, f"/{code}{path}")
        assert (page.lang, page.dir) == (lang, direction), path
        addresses = _site_addresses(page)
        assert addresses, path
        assert [a for a in addresses if not a.startswith(f"/{code}/")] == [], path
        # The address chose: a cache need not keep a copy per browser language.
        assert "Accept-Language" not in response.headers.get("Vary", ""), path


@pytest.mark.parametrize(
    ("accept_language", "lang", "direction"),
    [
        ("cy-GB,cy;q=0.9,en;q=0.5", "cy", "ltr"),
        ("cy", "cy", "ltr"),
        ("ar", "ar", "rtl"),
        ("ar-SA,ar;q=0.9", "ar", "rtl"),
        ("fr-FR,fr;q=0.9", "en-GB", "ltr"),
        ("en-GB,en;q=0.9", "en-GB", "ltr"),
        (None, "en-GB", "ltr"),
    ],
)
def test_an_address_without_a_prefix_follows_the_browser(
    app, client, accept_language, lang, direction
):
    event = make_event()
    headers = {"Accept-Language": accept_language} if accept_language else {}
    for path in ("/", f"/events/{event.slug}"):
        page, response = _page(client, path, **headers)
        assert (page.lang, page.dir) == (lang, direction), path
        assert "Accept-Language" in response.headers.get("Vary", ""), path
        # A guessed page links without a prefix, so the next page guesses again.
        assert [a for a in _site_addresses(page) if a[:4] in ("/cy/", "/ar/", "/en/")] == []


@pytest.mark.parametrize("code", ["cy", "ar", "en"])
def test_the_header_offers_the_other_languages(app, client, code):
    event = make_event()
    page, _ = _page(client, f"/{code}/events/{event.slug}")
    offered = {link["hreflang"]: link for link in page.switch}
    others = {other: LANGS[other][0] for other in LANGS if other != code}
    assert set(offered) == set(others.values())
    for other, lang in others.items():
        assert offered[lang]["lang"] == lang
        assert offered[lang]["href"] == f"/{other}/events/{event.slug}"


def test_a_form_posted_under_a_prefix_lands_on_an_address_in_its_language(app, client):
    event = make_event()
    registration = make_registration(event)
    token = ticket_link(registration)
    response = client.post(f"/cy/tickets/{token}/cancel", data={})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cy/tickets/{token}")
    page, _ = _page(client, response.headers["Location"].removeprefix("http://localhost"))
    assert page.lang == "cy"
    # The same form without a prefix stays without one.
    other = ticket_link(make_registration(event))
    response = client.post(f"/tickets/{other}/cancel", data={})
    assert response.headers["Location"].endswith(f"/tickets/{other}")
    assert "/cy/" not in response.headers["Location"]


def test_the_week_page_caches_never_mix_languages(app):
    make_event(title="Online chat", format=EventFormat.ONLINE)
    shortcut = week_shortcut(app).responses
    # Each visitor arrives with no cookies, so the shortcut before Flask may answer them.
    visits = [
        ("/cy/", {}, "cy", "/cy/"),
        ("/", {}, "en-GB", None),
        ("/", {"Accept-Language": "cy-GB"}, "cy", None),
        ("/", {"Accept-Language": "ar"}, "ar", None),
        ("/en/", {}, "en-GB", "/en/"),
        ("/ar/", {"Accept-Language": "cy"}, "ar", "/ar/"),
        ("/?format=online", {}, "en-GB", None),
        ("/?format=online", {"Accept-Language": "cy"}, "cy", None),
        ("/cy/?format=online", {}, "cy", "/cy/"),
    ]
    first: dict[int, bytes] = {}
    for number, (path, headers, lang, prefix) in enumerate(visits):
        misses = week_pages().misses
        response = app.test_client().get(path, headers=headers)
        page = _Page(response.get_data(as_text=True))
        assert page.lang == lang, (path, headers)
        addresses = _site_addresses(page)
        if prefix:
            assert all(a.startswith(prefix) for a in addresses), (path, headers)
        else:
            assert not any(a[:4] in ("/cy/", "/ar/", "/en/") for a in addresses), (path, headers)
        # Every one is a page of its own: rendered, not taken from another's copy.
        assert week_pages().misses == misses + 1, (path, headers)
        first[number] = response.get_data()
    assert shortcut.hits == 0
    # The second time round each is answered from the cache, with its own page.
    for number, (path, headers, lang, _prefix) in enumerate(visits):
        hits = shortcut.hits
        response = app.test_client().get(path, headers=headers)
        assert shortcut.hits == hits + 1, (path, headers)
        assert response.get_data() == first[number], (path, headers)
        assert _Page(response.get_data(as_text=True)).lang == lang


def test_static_files_are_served_under_a_prefix_and_unknown_prefixes_are_not_found(app, client):
    with client.get("/static/css/site.css") as plain:
        stylesheet = plain.get_data()
    for code in ("cy", "ar", "en"):
        with client.get(f"/{code}/static/css/site.css") as response:
            assert response.status_code == 200
            assert response.mimetype == "text/css"
            assert response.get_data() == stylesheet
    for path in ("/fr/", "/fr/static/css/site.css", "/cymraeg/", "/de/events/anything"):
        response = client.get(path, headers={"Accept-Language": "cy"})
        assert response.status_code == 404, path


def test_the_weeks_own_english_words_are_marked_on_welsh_and_arabic_pages(client):
    make_event(
        edition=make_edition(theme="Care leavers with careers", summary="A week to celebrate.")
    )
    english = client.get("/en/").get_data(as_text=True)
    welsh = client.get("/cy/").get_data(as_text=True)
    arabic = client.get("/ar/").get_data(as_text=True)
    assert "<span>Care leavers with careers</span>" in english
    assert '<p class="lead">A week to celebrate.</p>' in english
    assert '<span lang="en">Care leavers with careers</span>' in welsh
    assert '<p class="lead" lang="en" dir="ltr">A week to celebrate.</p>' in arabic
