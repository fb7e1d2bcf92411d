"""A staff sign-in ends after a while unused, and some hours after it began."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nclw.accounts import session_timeouts
from nclw.accounts.models import Role
from nclw.timezones import utcnow
from tests.factories import make_user

PASSWORD = "purple tractor singing"
NOW = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def _clock(signed_in_ago: timedelta, seen_ago: timedelta) -> dict:
    return {
        "signed_in_at": int((NOW - signed_in_ago).timestamp()),
        "seen_at": int((NOW - seen_ago).timestamp()),
    }


@pytest.mark.parametrize(
    ("signed_in_ago", "seen_ago", "ended"),
    [
        (timedelta(hours=2), timedelta(minutes=29), None),
        (timedelta(hours=2), timedelta(minutes=30), "had not used the site for 30 minutes"),
        (timedelta(hours=12), timedelta(minutes=1), "signed in more than 12 hours ago"),
    ],
)
def test_a_sign_in_ends_when_idle_or_old(signed_in_ago, seen_ago, ended) -> None:
    said = session_timeouts.sign_in_ended(
        _clock(signed_in_ago, seen_ago), now=NOW, idle=IDLE, absolute=ABSOLUTE
    )
    assert said is None if ended is None else ended in said


def test_a_sign_in_without_a_clock_has_ended() -> None:
    said = session_timeouts.sign_in_ended({}, now=NOW, idle=IDLE, absolute=ABSOLUTE)
    assert said == "Please sign in again."


def test_using_the_site_moves_only_the_idle_clock() -> None:
    session = _clock(timedelta(hours=1), timedelta(minutes=5))
    session_timeouts.keep_alive(session, now=NOW)
    assert session == {**_clock(timedelta(hours=1), timedelta(0))}


def _signed_in(client) -> None:
    make_user(Role.ORGANISER, email="sam@example.org", password=PASSWORD)
    response = client.post("/sign-in", data={"email": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 302


def _wind_back(client, **ago: timedelta) -> None:
    with client.session_transaction() as session:
        for name, span in ago.items():
            session[name] -= int(span.total_seconds())


def test_an_idle_organiser_is_asked_to_sign_in_again_and_sent_back(app, client) -> None:
    _signed_in(client)
    _wind_back(client, seen_at=timedelta(minutes=31))
    response = client.get("/admin/exports?event_id=3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fadmin%2Fexports%3Fevent_id%3D3"
    page = client.get(response.headers["Location"])
    assert "because you had not used the site for 30 minutes" in page.text
    assert "Please sign in to see that page." not in page.text
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # Signing in again goes back to the page asked for.
    again = client.post(
        response.headers["Location"], data={"email": "sam@example.org", "password": PASSWORD}
    )
    assert again.headers["Location"] == "/admin/exports?event_id=3"


def test_a_busy_organiser_is_still_signed_out_after_twelve_hours(app, client) -> None:
    _signed_in(client)
    _wind_back(client, signed_in_at=timedelta(hours=12, minutes=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert "signed in more than 12 hours ago" in client.get("/sign-in").text


def test_using_the_site_keeps_a_sign_in_going(app, client) -> None:
    _signed_in(client)
    _wind_back(client, seen_at=timedelta(minutes=29), signed_in_at=timedelta(hours=11))
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] >= int(utcnow().timestamp()) - 5


def test_a_public_page_still_shows_and_says_the_sign_in_ended(app, client) -> None:
    _signed_in(client)
    _wind_back(client, seen_at=timedelta(minutes=31))
    page = client.get("/")
    assert page.status_code == 200
    assert "had not used the site for 30 minutes" in page.text
    assert client.get("/admin/").status_code == 302


def test_the_timeouts_are_settings(app, client) -> None:
    app.config["STAFF_IDLE_MINUTES"] = 5
    _signed_in(client)
    _wind_back(client, seen_at=timedelta(minutes=6))
    assert client.get("/admin/").status_code == 302
