"""Public reads carry an ETag and answer a reader whose copy is current with a bodiless 304."""

from __future__ import annotations

import pytest

from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.http_cache import API, FEED, PUBLIC
from tests.factories import make_edition, make_event


def _revalidate(app, path: str, **headers):
    """A first GET, then a conditional GET with its ETag, each from a cookie-less reader."""
    first = app.test_client().get(path, headers=headers)
    assert first.status_code == 200, path
    assert first.headers["ETag"].startswith('"'), "a strong ETag"
    again = app.test_client().get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    return first, again


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/", PUBLIC),
        ("/privacy", PUBLIC),
        ("/week.ics", FEED),
        ("/week/young-people.ics", FEED),
        ("/events/{slug}.ics", FEED),
        ("/api/events", API),
        ("/api/events/{slug}", API),
    ],
)
def test_an_unchanged_public_read_is_a_304_with_the_same_cache_headers(app, path, policy):
    event = make_event(edition=make_edition())
    first, again = _revalidate(app, path.format(slug=event.slug))

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert first.headers["Cache-Control"] == again.headers["Cache-Control"] == policy.cache_control
    assert first.headers.get("Vary") == again.headers.get("Vary")


def test_a_cancelled_events_page_is_public_and_revalidates(app):
    # A cancelled event has no form on its page, so nothing ties it to one reader.
    event = make_event(edition=make_edition(), status=EventStatus.CANCELLED)
    first, again = _revalidate(app, f"/events/{event.slug}")
    assert first.headers["Cache-Control"] == PUBLIC.cache_control
    assert again.status_code == 304


def test_an_edit_to_the_event_changes_its_etags(app):
    event = make_event(edition=make_edition())
    paths = ("/", f"/events/{event.slug}.ics", f"/api/events/{event.slug}", "/week.ics")
    before = {path: app.test_client().get(path).headers["ETag"] for path in paths}

    event.title = "A new title for the day"
    db.session.commit()

    for path in paths:
        response = app.test_client().get(path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200, path
        assert response.headers["ETag"] != before[path], path
        assert "A new title for the day" in response.text, path


def test_a_calendar_file_gives_its_events_last_change_and_answers_if_modified_since(app):
    event = make_event(edition=make_edition())
    first = app.test_client().get(f"/events/{event.slug}.ics")
    assert first.last_modified == event.updated_at.replace(microsecond=0)

    again = app.test_client().get(
        f"/events/{event.slug}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 304


def test_welsh_and_english_pages_never_share_an_etag(app):
    event = make_event(edition=make_edition(), status=EventStatus.CANCELLED)
    for path in ("/", "/privacy", f"/events/{event.slug}"):
        english = app.test_client().get(path)
        welsh = app.test_client().get(f"/cy{path}")
        assert english.headers["ETag"] != welsh.headers["ETag"], path
        # Nor a guessed Welsh page an English one's, or the one chosen in the address.
        guessed = app.test_client().get(path, headers={"Accept-Language": "cy"})
        assert guessed.headers["ETag"] not in (english.headers["ETag"], welsh.headers["ETag"])
        stale = app.test_client().get(
            f"/cy{path}", headers={"If-None-Match": english.headers["ETag"]}
        )
        assert stale.status_code == 200, path
        # A guessed page says its language came from the browser, in the 304 too.
        etag = guessed.headers["ETag"]
        revalidated = app.test_client().get(
            path, headers={"Accept-Language": "cy", "If-None-Match": etag}
        )
        assert revalidated.status_code == 304, path
        assert "Accept-Language" in revalidated.headers["Vary"], path


def test_head_gives_the_same_etag_and_answers_conditionally(app):
    event = make_event(edition=make_edition())
    for path in ("/", f"/events/{event.slug}.ics", "/api/events"):
        get = app.test_client().get(path)
        head = app.test_client().head(path)
        assert head.status_code == 200, path
        assert head.data == b""
        assert head.headers["ETag"] == get.headers["ETag"], path
        conditional = app.test_client().head(path, headers={"If-None-Match": get.headers["ETag"]})
        assert conditional.status_code == 304, path


def test_the_week_pages_shortcut_answers_a_current_copy_with_a_304(app):
    make_event(edition=make_edition())
    shortcut = app.extensions["nclw_shared_page_shortcut"]
    first = app.test_client().get("/")
    hits = shortcut.responses.hits

    again = app.test_client().get("/", headers={"If-None-Match": first.headers["ETag"]})

    assert shortcut.responses.hits == hits + 1, "answered from the kept response"
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers.get("Vary") == first.headers.get("Vary")
    assert "Content-Length" not in again.headers
    other = app.test_client().get("/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.data == first.data


@pytest.mark.parametrize("path", ["/", "/events/{slug}", "/events/{slug}.ics", "/api/events"])
def test_a_304_carries_only_what_updates_a_kept_copy(app, path):
    """RFC 9110 15.4.5: the fields that update a stored copy, and the request id. A kept copy
    keeps its own security headers, so they are not sent again with each revalidation."""
    event = make_event(edition=make_edition())
    path = path.format(slug=event.slug)
    first = app.test_client().get(path)
    assert "X-Content-Type-Options" in first.headers
    # Twice: the second one, for the pages, answered by the shortcut from a kept answer.
    for _ in range(2):
        again = app.test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        names = {name.lower() for name, _ in again.headers}
        assert names <= {"cache-control", "date", "etag", "expires", "vary", "x-request-id"}
        assert {"cache-control", "etag", "x-request-id"} <= names
