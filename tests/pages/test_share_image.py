"""The pictures a shared link shows: one per event, one for the week."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.pages import share_image
from nclw.pages.share_image import ShareCard
from tests.factories import make_edition, make_event


def _picture(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def test_event_share_image_is_a_1200_by_630_png_that_caches(client):
    event = make_event(title="Cooking on a budget")
    response = client.get(f"/events/{event.slug}/share.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert _picture(response.data).size == (1200, 630)
    assert response.cache_control.public and response.cache_control.max_age == 3600
    etag = response.headers["ETag"]

    again = client.get(f"/events/{event.slug}/share.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_changing_the_event_changes_its_picture_etag(client):
    event = make_event(title="Cooking on a budget")
    before = client.get(f"/events/{event.slug}/share.png").headers["ETag"]
    event.title = "Cooking on a small budget"
    db.session.commit()
    response = client.get(f"/events/{event.slug}/share.png", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before


def test_no_picture_for_an_unknown_or_unpublished_event(client):
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.slug}/share.png").status_code == 404
    assert client.get("/events/no-such-event/share.png").status_code == 404


def test_a_cancelled_event_picture_says_so():
    card = ShareCard(title="Cooking", when="Monday", banner="Cancelled")
    assert card.etag != ShareCard(title="Cooking", when="Monday").etag


def test_event_card_says_when_in_uk_time_and_who_hosts(app):
    event = make_event(title="Cooking on a budget", status=EventStatus.CANCELLED)
    card = share_image.event_card(event)
    assert card.title == "Cooking on a budget"
    assert card.when.endswith("(UK time)")
    assert card.detail == f"Hosted by {event.host.name}"
    assert card.banner == "Cancelled"


def test_week_share_image_is_a_1200_by_630_png(client):
    edition = make_edition(theme="Care leavers with careers")
    db.session.commit()
    card = share_image.week_card(edition)
    assert card.title == f"{edition.year}: Care leavers with careers"
    response = client.get("/week/share.png")
    assert response.status_code == 200
    assert _picture(response.data).size == (1200, 630)
    assert response.headers["ETag"].strip('"') == card.etag


def test_week_share_image_without_a_week_still_draws(client):
    response = client.get("/week/share.png")
    assert response.status_code == 200
    assert _picture(response.data).size == (1200, 630)


def test_without_dejavu_the_picture_draws_in_pillows_own_font(monkeypatch):
    monkeypatch.setattr(share_image, "_FONT_FOLDERS", ())
    share_image._draw_cached.cache_clear()
    card = ShareCard(title="A title long enough to wrap onto a second line " * 3, when="Monday")
    assert _picture(share_image.draw(card)).size == (1200, 630)
    share_image._draw_cached.cache_clear()


def test_a_title_too_long_for_three_lines_ends_with_an_ellipsis():
    def measure(text: str) -> int:
        return len(text)

    lines = share_image.wrap("one two three four five six", 9, measure, max_lines=2)
    assert lines == ["one two", "three…"]
    assert share_image.wrap("supercalifragilistic", 6, measure, max_lines=1) == ["super…"]


def test_an_earlier_week_has_its_own_picture(client):
    earlier = make_edition(
        year=2020, theme="Then", starts_on=date(2020, 10, 26), ends_on=date(2020, 11, 1)
    )
    make_edition(theme="Now")
    db.session.commit()
    response = client.get("/weeks/2020/share.png")
    assert response.status_code == 200
    assert response.headers["ETag"].strip('"') == share_image.week_card(earlier).etag
    assert client.get("/weeks/1999/share.png").status_code == 404
