"""The week page, past weeks, filters, the event page and calendar links."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from nclw.events.cache import week_pages
from nclw.events.models import Audience, EventFormat, EventStatus
from nclw.extensions import db
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import format_when, uk_datetime, utcnow
from tests.conftest import make_test_app
from tests.factories import make_edition, make_event, make_registration


def _titles_in(html: str, events) -> list[str]:
    return [event.title for event in events if f">{event.title}</a>" in html]


def test_week_shows_theme_dates_days_and_availability(client):
    edition = make_edition(theme="Care leavers with careers")
    day = edition.starts_on + timedelta(days=2)
    open_event = make_event(edition=edition, capacity=12, starts_at=uk_datetime(day, 16))
    full = make_event(edition=edition, capacity=1, starts_at=uk_datetime(day, 18))
    make_registration(full)
    closed = make_event(
        edition=edition,
        starts_at=uk_datetime(day + timedelta(days=1), 10),
        registration_closes_at=utcnow() - timedelta(hours=1),
    )
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "Care leavers with careers" in html
    assert f"{day:%A} {day.day} {day:%B}" in html
    assert "12 places left" in html
    assert "Waiting list open" in html
    assert "Sign-up closed" in html
    assert 'href="/week.ics"' in html
    # Grouped by UK day, in time order.
    assert html.index(open_event.title) < html.index(full.title) < html.index(closed.title)
    assert html.count('<h2 id="day-') == 2


def test_week_hides_drafts_and_marks_cancelled_events(client):
    edition = make_edition()
    draft = make_event(edition=edition, status=EventStatus.DRAFT, title="Secret draft")
    cancelled = make_event(edition=edition, status=EventStatus.CANCELLED, title="Called off")
    html = client.get("/").text
    assert draft.title not in html
    assert cancelled.title in html
    assert "Cancelled" in html


def test_filters_work_from_the_query_string(client):
    edition = make_edition()
    online = make_event(
        edition=edition, format=EventFormat.ONLINE, audience=Audience.CARE_EXPERIENCED
    )
    in_person = make_event(
        edition=edition, format=EventFormat.IN_PERSON, audience=Audience.PROFESSIONALS
    )
    everything = [online, in_person]
    assert _titles_in(client.get("/").text, everything) == [online.title, in_person.title]
    assert _titles_in(client.get("/?format=online").text, everything) == [online.title]
    filtered = client.get("/?audience=professionals").text
    assert _titles_in(filtered, everything) == [in_person.title]
    assert (
        '<input type="radio" id="audience-professionals" name="audience" value="professionals"'
        ' checked><label for="audience-professionals">I work with care leavers</label>'
    ) in filtered
    assert "<legend>Who is it for?</legend>" in filtered
    # "No filter" and the "Everyone" audience are never the same choice.
    assert '<label for="audience">Show all</label>' in filtered
    assert 'value="everyone"' not in filtered
    assert "Clear filters" in filtered
    nothing = client.get("/?format=online&audience=professionals").text
    assert "No events match these filters" in nothing
    # Unknown values are ignored rather than failing.
    junk = client.get("/?format=%3Cscript%3E&audience=999")
    assert junk.status_code == 200
    assert _titles_in(junk.text, everything) == [online.title, in_person.title]
    assert "<script>" not in junk.text


def test_past_weeks_stay_readable_by_year(client):
    old = make_edition(
        year=2020, theme="Old theme", starts_on=date(2020, 10, 26), ends_on=date(2020, 11, 1)
    )
    make_event(edition=old, title="Back in 2020", starts_at=uk_datetime(date(2020, 10, 28), 16))
    current = make_edition(theme="This year")
    make_event(edition=current, title="Coming soon")
    home = client.get("/").text
    assert "This year" in home
    assert "Back in 2020" not in home
    past = client.get("/weeks/2020")
    assert past.status_code == 200
    assert "Old theme" in past.text
    assert "Back in 2020" in past.text
    assert "Sign-up closed" in past.text
    assert client.get("/weeks/2019").status_code == 404


def test_no_week_yet_says_so(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "has not been announced yet" in page.text


def test_event_page_shows_everything_a_person_needs(client):
    edition = make_edition()
    event = make_event(
        edition=edition,
        starts_at=uk_datetime(edition.starts_on + timedelta(days=2), 16),
        audience=Audience.CARE_EXPERIENCED,
        highlights="Apprentices' stories\nCV tips",
    )
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    html = page.text
    assert event.host.name in html
    assert format_when(event.starts_at, event.ends_at) in html
    assert "(UK time)" in html
    assert "1 hour 30 minutes" in html
    assert "Care-experienced young people only" in html
    assert "What you will get" in html
    assert "CV tips" in html
    assert f'href="/events/{event.slug}.ics"' in html
    assert "calendar.google.com" in html
    assert "outlook" in html.lower()
    assert f'href="/events/{event.slug}/register"' in html
    # The joining link is private to ticket holders.
    assert event.online_url not in html


def test_week_calendar_lists_published_events(client):
    edition = make_edition()
    published = make_event(edition=edition)
    draft = make_event(edition=edition, status=EventStatus.DRAFT)
    body = client.get("/week.ics").get_data(as_text=True)
    assert published.title in body
    assert draft.title not in body


# --- constant number of queries --------------------------------------------------------------


@contextmanager
def _counting_queries(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _week_queries(tmp_path, events: int) -> tuple[int, int]:
    """Queries run by a cold (first) request for the week page holding `events` events."""
    # A fresh app per measurement, so no render cache can have seen the page.
    tmp_path.mkdir()
    app = make_test_app(tmp_path)
    with app.app_context():
        edition = make_edition()
        created = []
        for n in range(events):
            event = make_event(
                edition=edition,
                capacity=5,
                starts_at=uk_datetime(edition.starts_on + timedelta(days=n % 5), 9 + n % 8),
            )
            if n % 3 == 0:
                make_registration(event)
            if n % 4 == 0:
                make_registration(event, status=RegistrationStatus.WAITING)
            created.append(event.title)
        db.session.expunge_all()
        client = app.test_client()
        with _counting_queries(db.engine) as statements:
            response = client.get("/?format=online")
        assert response.status_code == 200
        # Every event is on the page, so the count is for the real work, not a cached copy.
        assert sum(f">{title}</a>" in response.text for title in created) == events
        assert week_pages().hits == 0
        db.session.remove()
        db.engine.dispose()
    return len(statements), events


def test_week_page_runs_the_same_number_of_queries_for_3_or_30_events(tmp_path):
    few, _ = _week_queries(tmp_path / "few", 3)
    many, _ = _week_queries(tmp_path / "many", 30)
    assert few > 0
    assert many == few, f"{few} queries for 3 events but {many} for 30"
    assert few <= 6
