"""Event addresses made from titles are plain ASCII, so every page and the API accept them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from nclw.api.openapi import SLUG_PATTERN
from nclw.events import services
from nclw.events.slugs import slug_base
from nclw.extensions import db
from nclw.timezones import utcnow
from tests.factories import make_edition, make_organisation, make_user


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café für Alle", "cafe-fur-alle"),
        ("Straße & Æsop", "strasse-aesop"),
        ("Łódź meets Ørsted", "lodz-meets-orsted"),
        ("Crème brûlée — a cookery class", "creme-brulee-a-cookery-class"),
        ("Cook–Eat", "cook-eat"),
        ("Young people’s voice", "young-peoples-voice"),
        ("Party 🎉 time", "party-time"),
        ("東京", "event"),
        ("x" * 150, "x" * 100),
    ],
)
def test_a_title_becomes_an_ascii_slug(title, slug) -> None:
    assert slug_base(title) == slug
    assert re.fullmatch(SLUG_PATTERN, slug)


def test_the_api_finds_an_event_with_an_accented_title(app, client) -> None:
    organiser, now = make_user(), utcnow()
    starts = now + timedelta(days=20)
    event = services.create_event(
        {
            "title": "Café für Alle",
            "summary": "Coffee and careers.",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "format": "online",
            "online_url": "https://meet.example.org/room",
            "audience": "everyone",
            "host_id": make_organisation().id,
            "edition_id": make_edition().id,
        },
        actor=organiser,
        now=now,
    )
    services.publish_event(event, actor=organiser, now=now)
    db.session.commit()
    assert event.slug == "cafe-fur-alle"
    response = client.get(f"/api/events/{event.slug}")
    assert response.status_code == 200
    assert response.get_json()["title"] == "Café für Alle"
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_the_shared_pages_and_the_api_take_the_one_slug_rule(app) -> None:
    from nclw.events.shortcut import _PAGES

    pages = {page.endpoint: page.path for page in app.extensions[_PAGES]}
    longest = "x" * 100 + "-" + "9" * 19  # 120 characters: the column's length
    for slug in ("cafe-fur-alle", f"{'x' * 100}-2", longest):
        assert pages["events.detail"].fullmatch(f"/events/{slug}").group(1) == slug
        assert pages["registrations.register"].fullmatch(f"/events/{slug}/register")
        assert re.fullmatch(SLUG_PATTERN, slug)
    for not_a_slug in ("-starts-with-a-dash", "Capitals", "caf%C3%A9", longest + "x"):
        assert pages["events.detail"].fullmatch(f"/events/{not_a_slug}") is None
        assert pages["registrations.register"].fullmatch(f"/events/{not_a_slug}/register") is None
        assert not re.fullmatch(SLUG_PATTERN, not_a_slug)
