"""The week page's render cache: reused while nothing changes, never stale after a change."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from nclw.events.cache import week_pages
from nclw.events.models import Event, EventStatus
from nclw.events.shortcut import shared_page_shortcut as week_shortcut
from nclw.extensions import db
from nclw.registrations import services, waiting_list
from nclw.render_cache import RenderCache
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_edition, make_event, make_organisation, make_user


@contextmanager
def count_queries():
    """Every statement SQLite runs, including ones sent straight to the driver."""
    if db.engine.dialect.name != "sqlite":
        # The trace callback is SQLite's own; `make test` runs these checks on SQLite, and
        # the cached path they measure is the same code on PostgreSQL.
        pytest.skip("counts statements with SQLite's trace callback")
    statements: list[str] = []
    tracing = True

    def trace(statement: str) -> None:
        if tracing and not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    def on_connect(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(trace)

    db.session.remove()
    db.engine.dispose()  # so every connection used below is a new, traced one
    sa_event.listen(db.engine, "connect", on_connect)
    try:
        yield statements
    finally:
        tracing = False
        sa_event.remove(db.engine, "connect", on_connect)
        db.engine.dispose()


def _week(client, query: str = "") -> str:
    response = client.get("/" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_second_view_is_served_from_the_cache(app, client):
    make_event(title="Careers session", capacity=5)
    first = client.get("/")
    view_cache, shortcut = week_pages(), week_shortcut(app).responses
    assert (view_cache.misses, view_cache.hits) == (1, 0)
    again = client.get("/")
    # A visitor with no cookies is answered before Flask: same page, same headers.
    assert again.get_data() == first.get_data()

    # The same headers, but for the request's own id and its Date, which the server adds to
    # each answer: the first visitor's would be stale (the test client adds none).
    def own(headers):
        return [(name, value) for name, value in headers if name not in ("X-Request-ID", "Date")]

    assert own(again.headers) == own(first.headers)
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert "Date" in first.headers and "Date" not in again.headers
    assert "Content-Security-Policy" in again.headers
    assert (shortcut.hits, view_cache.hits, view_cache.misses) == (1, 0, 1)
    # A visitor carrying a cookie goes through Flask and the view's own cache.
    client.set_cookie("session", "not-a-real-session")
    assert client.get("/").get_data() == first.get_data()
    assert (shortcut.hits, view_cache.hits) == (1, 1)


def test_sign_up_shows_at_once(app, client):
    event = make_event(title="Careers session", capacity=5)
    assert "5 places left" in _week(client)
    response = client.post(
        f"/events/{event.slug}/register", data={"first_name": "Sam", "email": "sam@example.com"}
    )
    assert response.status_code == 200
    assert "4 places left" in _week(client)


def test_cancellation_and_capacity_change_show_at_once(app, client):
    event = make_event(title="Careers session", capacity=1)
    result = services.register(
        event, services.SignUpDetails(first_name="Sam", email="sam@example.com"), now=utcnow()
    )
    assert "Waiting list open" in _week(client)
    services.cancel_registration(result.registration, now=utcnow())
    db.session.commit()
    assert "1 place left" in _week(client)
    waiting_list.change_capacity(event, 3, now=utcnow())
    db.session.commit()
    assert "3 places left" in _week(client)


def test_edits_new_events_and_cancellations_show_at_once(app, client):
    event = make_event(title="Careers session")
    assert "Careers session" in _week(client)
    event.title = "Careers and apprenticeships"
    db.session.commit()
    assert "Careers and apprenticeships" in _week(client)
    make_event(title="Cooking on a budget", edition=event.edition)
    assert "Cooking on a budget" in _week(client)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    page = _week(client)
    assert "Cancelled" in page
    hidden = make_event(title="Secret draft", status=EventStatus.DRAFT, edition=event.edition)
    assert "Secret draft" not in _week(client)
    hidden.status = EventStatus.PUBLISHED
    db.session.commit()
    assert "Secret draft" in _week(client)


def test_an_update_without_touching_updated_at_still_shows(app, client):
    """A bulk UPDATE that bypasses the ORM still changes the places left."""
    event = make_event(capacity=10)
    assert "10 places left" in _week(client)
    before = db.session.scalar(sa.select(Event.updated_at).where(Event.id == event.id))
    db.session.execute(
        sa.update(Event).where(Event.id == event.id).values(confirmed_count=7, updated_at=before)
    )
    db.session.commit()
    assert "3 places left" in _week(client)


def test_the_clock_passing_a_sign_up_opening_shows(app, client, monkeypatch):
    opens = utcnow() + timedelta(seconds=2)
    event = make_event(registration_opens_at=opens)
    assert "Sign-up opens soon" in _week(client)
    # Pretend time moved on past the opening: the stamp (next boundary) changes by itself.
    import nclw.events.shortcut as shortcut
    import nclw.events.views as views

    later = opens + timedelta(seconds=1)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    monkeypatch.setattr(shortcut, "utcnow", lambda: later)
    assert "10 places left" in _week(client)
    assert event.registration_opens_at == opens


def test_filters_are_cached_separately(app, client):
    from nclw.events.models import EventFormat

    make_event(title="Online chat", format=EventFormat.ONLINE)
    make_event(title="Park walk", format=EventFormat.IN_PERSON, online_url=None, venue_name="Park")
    online = _week(client, "?format=online")
    in_person = _week(client, "?format=in_person")
    assert "Online chat" in online and "Park walk" not in online
    assert "Park walk" in in_person and "Online chat" not in in_person
    assert _week(client, "?format=online") == online


def test_week_text_change_shows(app, client):
    event = make_event()
    _week(client)
    event.edition.theme = "A brand new theme"
    db.session.commit()
    assert "A brand new theme" in _week(client)


def test_signed_in_and_flashed_pages_are_never_shared(app, client):
    make_event(title="Careers session")
    _week(client)
    organiser = make_user()
    login(client, organiser)
    before = (week_pages().hits, week_pages().misses)
    _week(client)
    assert (week_pages().hits, week_pages().misses) == before
    other = app.test_client()
    with other.session_transaction() as session:
        session["_flashes"] = [("success", "Your ticket is cancelled.")]
    page = other.get("/").get_data(as_text=True)
    assert "Your ticket is cancelled." in page
    # The flash was shown once and not kept for the next visitor.
    assert "Your ticket is cancelled." not in _week(app.test_client())


def test_query_count_is_constant_whatever_the_number_of_events(app, client):
    edition = make_edition()
    host = make_organisation()
    make_event(edition=edition, host=host)
    _week(client)
    with count_queries() as few:
        _week(client)
    for _ in range(20):
        make_event(edition=edition, host=host)
    _week(client)
    with count_queries() as many:
        _week(client)
    assert len(few) == len(many) == 1


def test_cache_is_bounded_and_expires():
    cache = RenderCache("test", max_entries=2, max_age=60)
    renders = []

    def render(value):
        def inner():
            renders.append(value)
            return value

        return inner

    assert cache.get_or_render("a", 1, render("A1")) == "A1"
    assert cache.get_or_render("a", 1, render("A2")) == "A1"
    assert cache.get_or_render("a", 2, render("A3")) == "A3"
    cache.get_or_render("b", 1, render("B"))
    cache.get_or_render("c", 1, render("C"))
    assert cache.get_or_render("a", 2, render("A4")) == "A4"  # evicted as least recently used
    expired = RenderCache("test", max_age=0)
    expired.get_or_render("a", 1, render("X"))
    assert expired.get_or_render("a", 1, render("Y")) == "Y"
    assert renders == ["A1", "A3", "B", "C", "A4", "X", "Y"]


def test_past_weeks_are_cached_and_unknown_years_are_404(app, client):
    event = make_event(capacity=4)
    year = event.edition.year
    assert client.get("/weeks/1999").status_code == 404
    page = client.get(f"/weeks/{year}").get_data(as_text=True)
    assert "4 places left" in page
    services.register(
        event, services.SignUpDetails(first_name="Sam", email="sam@example.com"), now=utcnow()
    )
    assert "3 places left" in client.get(f"/weeks/{year}").get_data(as_text=True)
    assert week_pages().hits == 0 and week_pages().misses == 2  # past weeks: the view's cache
    client.get(f"/weeks/{year}")
    assert week_pages().hits == 1


def test_no_week_yet_says_so(app, client):
    assert "has not been announced yet" in _week(client)
    make_event(title="First event of the week")
    assert "First event of the week" in _week(client)


@pytest.mark.postgres
def test_stamp_works_on_postgresql(tmp_path, postgres_database_url):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        try:
            event = make_event(title="Careers session", capacity=5)
            opens_later = make_event(
                title="Later session",
                edition=event.edition,
                registration_opens_at=utcnow() + timedelta(days=1),
            )
            client = app.test_client()
            page = _week(client)
            assert "5 places left" in page and "Sign-up opens soon" in page
            assert _week(client) == page
            assert week_shortcut(app).responses.hits == 1
            services.register(
                event,
                services.SignUpDetails(first_name="Sam", email="sam@example.com"),
                now=utcnow(),
            )
            assert "4 places left" in _week(client)
            year = event.edition.year
            assert "4 places left" in client.get(f"/weeks/{year}").get_data(as_text=True)
            assert opens_later.id
            # The server drops every other connection (a restart): the next page still works.
            db.session.remove()
            with db.engine.connect() as connection:
                killed = connection.scalar(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            assert killed >= 1  # the stamp engine's pooled connection, at least
            assert "4 places left" in _week(client)
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_postgresql_stamp_uses_one_idle_connection_closed_with_the_engine(
    tmp_path, postgres_database_url
):
    from nclw.events.cache import week_stamp
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    watcher = sa.create_engine(postgres_database_url)
    with app.app_context():
        try:
            make_event(title="Careers session", capacity=5)
            client = app.test_client()
            _week(client)
            _week(client)
            stamp_connection = app.extensions["nclw_stamp_connection"]
            backend = stamp_connection._connection.info.backend_pid
            week_stamp(now=utcnow())
            # The same connection every time, and never left inside a transaction.
            assert stamp_connection._connection.info.backend_pid == backend
            with watcher.connect() as connection:
                state = connection.scalar(
                    sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": backend},
                )
            assert state == "idle"
        finally:
            db.session.remove()
            db.engine.dispose()
    # The server ends the backend as soon as it reads the goodbye: allow it a moment.
    for _ in range(50):
        with watcher.connect() as connection:
            still_there = connection.scalar(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": backend},
            )
        if not still_there:
            break
        time.sleep(0.05)
    watcher.dispose()
    assert still_there == 0


def test_shortcut_never_keeps_a_response_that_sets_a_cookie(tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path)

    @app.after_request
    def set_cookie(response):
        response.set_cookie("seen", "1")
        return response

    with app.app_context():
        make_event(title="Careers session")
        client = app.test_client()
        client.get("/")
        client.delete_cookie("seen")
        client.get("/")
        assert week_shortcut(app).responses.hits == 0
        assert week_pages().hits == 1  # the view's HTML cache still helps
        db.session.remove()
        db.engine.dispose()


def test_shortcut_leaves_other_requests_to_the_app(app, client):
    make_event(title="Careers session")
    client.get("/")
    assert client.head("/").status_code == 200
    assert client.get("/privacy").status_code == 200
    assert client.post("/").status_code == 405
    assert week_shortcut(app).responses.hits == 0


def test_a_forged_host_header_never_serves_anyone_else(app, client):
    make_event(title="Careers session")
    client.get("/", headers={"Host": "evil.example"})
    client.get("/", headers={"Host": "evil.example"})
    assert week_shortcut(app).responses.hits == 1
    client.get("/")  # the real address: kept separately, never the forged one's page
    assert week_shortcut(app).responses.hits == 1
    client.get("/")
    assert week_shortcut(app).responses.hits == 2
