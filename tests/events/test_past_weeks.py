"""Earlier weeks stay readable from the public site, with no sign-up and no calendar."""

from __future__ import annotations

from datetime import timedelta

from nclw.timezones import utcnow
from tests.factories import make_edition, make_event
from tests.support.html_validation import html_errors_many


def _two_weeks():
    today = utcnow().date()
    last_year = make_edition(
        year=today.year - 1,
        theme="Care leavers with careers",
        starts_on=today - timedelta(days=380),
        ends_on=today - timedelta(days=374),
    )
    this_year = make_edition(
        year=today.year,
        theme="Home and belonging",
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=11),
    )
    past = make_event(
        edition=last_year,
        title="Mock interviews",
        starts_at=utcnow() - timedelta(days=378),
    )
    coming = make_event(
        edition=this_year, title="Careers fair", starts_at=utcnow() + timedelta(days=6)
    )
    return last_year, this_year, past, coming


def test_the_week_page_links_to_earlier_weeks_which_stay_readable(client):
    last_year, this_year, past, _ = _two_weeks()

    current = client.get("/")
    assert f'href="/weeks/{last_year.year}"' in current.text
    assert "Follow the week in your calendar" in current.text

    earlier = client.get(f"/weeks/{last_year.year}")
    assert earlier.status_code == 200
    assert "Mock interviews" in earlier.text
    assert "This week has finished. Its pages stay here to read." in earlier.text
    assert "Follow the week in your calendar" not in earlier.text
    assert f'href="/weeks/{last_year.year}"' not in earlier.text  # not a link to itself

    event_page = client.get(f"/events/{past.slug}")
    assert event_page.status_code == 200
    assert "Get a free ticket" not in event_page.text
    assert "Add to your calendar" not in event_page.text
    assert client.get(f"/events/{past.slug}.ics").status_code == 404
    assert (
        client.post(
            f"/events/{past.slug}/register", data={"first_name": "Sam", "email": "s@example.com"}
        ).status_code
        == 200
    )  # the closed page, with nothing taken
    pages = {"current": current.text, "earlier": earlier.text, "event": event_page.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_an_event_still_to_come_keeps_its_calendar(client):
    _, _, _, coming = _two_weeks()
    page = client.get(f"/events/{coming.slug}")
    assert "Add to your calendar" in page.text
    assert client.get(f"/events/{coming.slug}.ics").status_code == 200
