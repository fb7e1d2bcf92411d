"""Event pages and the sign-up form: rendered once, reused while nothing on them changes,
never stale after a change, never one reader's for another."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.events.cache import EVENT_PAGES
from nclw.events.models import EventStatus, QuestionAskers
from nclw.events.shortcut import shared_page_shortcut
from nclw.extensions import db
from nclw.questions.models import QuestionStatus
from nclw.registrations import question_setup, services, slot_changes
from nclw.registrations.sign_up_pages import SIGN_UP_FORMS
from nclw.registrations.sign_up_questions import QuestionKind
from nclw.render_cache import FORM_TOKEN_PLACEHOLDER, page_cache
from nclw.timezones import utcnow
from tests.factories import make_event, make_organisation
from tests.questions.helpers import approved


def _text(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _sign_up(event, email: str) -> None:
    services.register(event, services.SignUpDetails(first_name="Sam", email=email), now=utcnow())
    db.session.commit()


# --- the event page ---------------------------------------------------------------------


def test_an_event_page_is_rendered_once_then_answered_before_flask(app, client):
    event = make_event(title="Careers session", capacity=5)
    path = f"/events/{event.slug}"
    first = client.get(path)
    assert "Set-Cookie" not in first.headers
    pages, responses = page_cache(EVENT_PAGES), shared_page_shortcut(app).responses
    assert (pages.misses, pages.hits) == (1, 0)

    again = client.get(path)
    # A visitor with no cookies is answered from the kept response: the same page.
    assert again.get_data() == first.get_data()
    assert again.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
    assert (responses.hits, pages.misses, pages.hits) == (1, 1, 0)

    # A copy that is still current gets a 304 from the kept headers.
    current = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert current.status_code == 304 and current.get_data() == b""
    assert responses.hits == 2


def test_a_reader_with_a_session_gets_the_kept_page_through_flask(app, client):
    event = make_event(capacity=5)
    path = f"/events/{event.slug}"
    plain = _text(app.test_client(), path)
    with client.session_transaction() as session:
        session["seen"] = True
    assert _text(client, path) == plain
    assert page_cache(EVENT_PAGES).hits == 1


@pytest.mark.parametrize(
    "change, before, after",
    [
        ("sign_up", "5 places left", "4 places left"),
        ("counted_by_sql", "5 places left", "1 place left"),
        ("title", "Careers session", "Careers evening"),
        ("cancel", "Get a free ticket", "This event has been cancelled."),
        ("host", "Hosted by Accenture", "Hosted by Accenture UK"),
        ("sign_up_closes", "Get a free ticket", "Sign-up has closed."),
    ],
)
def test_a_change_shows_at_once(app, client, change, before, after):
    host = make_organisation(name="Accenture")
    event = make_event(title="Careers session", capacity=5, host=host)
    path = f"/events/{event.slug}"
    assert before in _text(client, path)
    assert before in _text(client, path)  # kept
    if change == "sign_up":
        _sign_up(event, "sam@example.com")
    elif change == "counted_by_sql":
        # As the one-statement sign-up does: no ORM, so no updated_at.
        db.session.execute(
            sa.text("UPDATE events SET confirmed_count = 4 WHERE id = :id"), {"id": event.id}
        )
        db.session.commit()
    elif change == "title":
        event.title = "Careers evening"
    elif change == "cancel":
        event.status = EventStatus.CANCELLED
    elif change == "host":
        host.name = "Accenture UK"
    elif change == "sign_up_closes":
        event.registration_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = _text(client, path)
    assert after in page
    if before not in after:
        assert before not in page


def test_the_clock_passing_the_closing_time_shows_without_any_write(app, client, monkeypatch):
    closes = utcnow() + timedelta(minutes=5)
    event = make_event(capacity=5, registration_closes_at=closes)
    path = f"/events/{event.slug}"
    assert "Get a free ticket" in _text(client, path)
    import nclw.events.shortcut as shortcut
    import nclw.events.views as views

    later = closes + timedelta(seconds=1)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    monkeypatch.setattr(shortcut, "utcnow", lambda: later)
    page = _text(client, path)
    assert "Sign-up has closed." in page and "Get a free ticket" not in page


def test_public_questions_change_the_page(app, client):
    event = make_event(
        capacity=5, qa_enabled=True, qa_askers=QuestionAskers.TICKET_HOLDERS, qa_public_list=True
    )
    path = f"/events/{event.slug}"
    assert "No questions yet." in _text(client, path)
    question = approved(event, "What helped you most?")
    assert "What helped you most?" in _text(client, path)
    question.vote_count = 7
    db.session.commit()
    assert re.search(r"7\s+votes?", _text(client, path))
    question.status = QuestionStatus.ANSWERED
    question.answered_at = utcnow()
    db.session.commit()
    page = _text(client, path)
    assert "Answered" in page and "No questions yet." in page


def test_a_browsers_own_questions_are_never_kept_for_others(app, client):
    event = make_event(capacity=5, qa_enabled=True, qa_askers=QuestionAskers.ANYONE)
    path = f"/events/{event.slug}"
    client.post(f"/events/{event.slug}/questions/ask", data={"body": "Is it recorded?"})
    assert "Is it recorded?" in _text(client, path)
    stranger = app.test_client()
    assert "Is it recorded?" not in _text(stranger, path)
    assert "Is it recorded?" not in _text(stranger, path)


def test_each_language_is_kept_apart(app, client):
    event = make_event(title="Careers session", title_cy="Sesiwn gyrfaoedd", capacity=5)
    english, welsh = f"/events/{event.slug}", f"/cy/events/{event.slug}"
    for _ in range(2):
        assert "Sesiwn gyrfaoedd" in _text(client, welsh)
        assert "Sesiwn gyrfaoedd" not in _text(client, english)
        guessed = _text(client, english, headers={"Accept-Language": "cy-GB"})
        assert "Sesiwn gyrfaoedd" in guessed and 'href="/cy/' not in guessed.split("<main")[0]


def test_an_open_question_form_gets_each_reader_their_own_token(app):
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event(capacity=5, qa_enabled=True, qa_askers=QuestionAskers.ANYONE)
    path = f"/events/{event.slug}"
    first, second = app.test_client(), app.test_client()
    tokens = [_token(_text(first, path)), _token(_text(second, path))]
    assert page_cache(EVENT_PAGES).hits == 1  # rendered once
    assert tokens[0] != tokens[1]
    assert all(FORM_TOKEN_PLACEHOLDER not in token for token in tokens)
    for client, token in zip((first, second), tokens, strict=True):
        sent = client.post(
            f"/events/{event.slug}/questions/ask", data={"body": "Hello?", "csrf_token": token}
        )
        assert sent.status_code == 302
    # One reader's token is refused in another's session.
    third = app.test_client()
    _text(third, path)
    refused = third.post(
        f"/events/{event.slug}/questions/ask", data={"body": "Hi?", "csrf_token": tokens[0]}
    )
    assert refused.status_code == 400


# --- the sign-up form -------------------------------------------------------------------


def test_the_sign_up_form_is_rendered_once_with_each_readers_token(app):
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event(capacity=5)
    path = f"/events/{event.slug}/register"
    first, second = app.test_client(), app.test_client()
    answers = [first.get(path), second.get(path)]
    pages = [answer.get_data(as_text=True) for answer in answers]
    forms = page_cache(SIGN_UP_FORMS)
    assert (forms.misses, forms.hits) == (1, 0)
    # The second reader, with no cookie, is answered before Flask: a session of their own.
    assert shared_page_shortcut(app).responses.hits == 1
    cookies = [
        next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session="))
        for answer in answers
    ]
    # Two sessions, set alike (HttpOnly, path, SameSite...): Flask's own session interface.
    assert cookies[0].split(";", 1)[0] != cookies[1].split(";", 1)[0]
    assert cookies[0].split(";", 1)[1] == cookies[1].split(";", 1)[1]
    assert answers[1].headers["Cache-Control"] == "no-store"
    assert int(answers[1].headers["Content-Length"]) == len(answers[1].get_data())
    tokens = [_token(page) for page in pages]
    assert tokens[0] != tokens[1]
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    for client, token, email in zip(
        (first, second), tokens, ("a@example.com", "b@example.com"), strict=True
    ):
        signed_up = client.post(
            path, data={"first_name": "Sam", "email": email, "csrf_token": token}
        )
        assert signed_up.status_code == 200 and "Check your email" in signed_up.text
    db.session.refresh(event)
    assert event.confirmed_count == 2


def test_the_sign_up_form_shows_a_change_at_once(app, client):
    event = make_event(capacity=1)
    path = f"/events/{event.slug}/register"
    assert "Get a free ticket" in _text(client, path)
    _sign_up(event, "sam@example.com")
    assert "Join the waiting list" in _text(client, path)
    question_setup.add_question(
        event,
        question_setup.QuestionDetails(
            label="Which school did you go to?", kind=QuestionKind.SHORT_TEXT, why_we_ask="Maps"
        ),
        actor=None,
        now=utcnow(),
    )
    db.session.commit()
    assert "Which school did you go to?" in _text(client, path)


def test_the_sign_up_form_shows_a_time_filling_up(app, client):
    event = make_event(capacity=None)
    made = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=2, minutes=20, capacity=1, now=utcnow()
    )
    db.session.commit()
    path = f"/events/{event.slug}/register"
    first_time = made[0].times
    assert f'value="{made[0].id}"' in _text(client, path)
    services.register(
        event,
        services.SignUpDetails(first_name="Sam", email="s@example.com", slot_id=made[0].id),
        now=utcnow(),
    )
    db.session.commit()
    page = _text(client, path)
    assert f'value="{made[0].id}"' not in page and first_time in page


def test_a_reader_with_a_session_keeps_their_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event(capacity=5)
    path = f"/events/{event.slug}/register"
    _text(app.test_client(), path)
    first = _token(_text(client, path))
    # Their session cookie goes back: the view's kept page, with the same session's token.
    again = _token(_text(client, path))
    assert page_cache(SIGN_UP_FORMS).hits == 1
    signed_up = client.post(
        path, data={"first_name": "Sam", "email": "s@e.com", "csrf_token": again}
    )
    assert signed_up.status_code == 200 and "Check your email" in signed_up.text
    assert first and again


def test_a_signed_in_organiser_is_never_given_the_kept_form(app, client):
    from tests.conftest import login
    from tests.factories import make_user

    event = make_event(capacity=5)
    path = f"/events/{event.slug}/register"
    _text(app.test_client(), path)
    login(client, make_user())
    _text(client, path)
    assert page_cache(SIGN_UP_FORMS).hits == 0


# --- what a kept page costs -------------------------------------------------------------


def test_a_kept_event_page_costs_its_stamp_statements_and_nothing_else(app, client):
    from tests.security.test_week_cache import count_queries

    event = make_event(capacity=5, qa_enabled=True, qa_public_list=True)
    path = f"/events/{event.slug}"
    _text(client, path)
    with count_queries() as statements:
        assert "5 places left" in _text(client, path)
        first = list(statements)
        statements.clear()
        assert "5 places left" in _text(client, path)
    # The event's row, its slots' times and the public questions: one statement each,
    # nothing from the ORM.
    assert len(first) == 3, first
    assert all(
        "FROM events ev" in s or "FROM event_slots" in s or "FROM questions" in s for s in first
    )
    # Asked again with nothing changed, SQLite's data_version says so: no statement at all.
    assert statements == []


@pytest.mark.postgres
def test_on_postgresql_a_stamp_goes_in_one_round_trip(tmp_path, postgres_database_url, monkeypatch):
    import psycopg

    from nclw.events.cache import event_page_parts, event_stamp
    from tests.conftest import make_test_app

    synced = []
    pipeline = psycopg.Connection.pipeline

    def counted(connection):
        synced.append(connection)
        return pipeline(connection)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted)

    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        try:
            event = make_event(capacity=5, qa_enabled=True, qa_public_list=True)
            approved(event, "Who can come?")
            parts = event_page_parts()
            stamp = event_stamp(slug=event.slug, now=utcnow(), parts=parts)
            assert len(synced) == 1  # the event's row, its slots, the questions: one trip
            # The event's row, then each part's rows, read together on the stamp connection.
            assert stamp[0][0] == event.id
            questions = next(n for n, sql in enumerate(parts, 1) if "FROM questions" in sql)
            assert [row[2] for row in stamp[questions]] == ["Who can come?"]
            connection = app.extensions["nclw_stamp_connection"]._connection
            assert connection.info.transaction_status.name == "IDLE"
            assert event_stamp(slug="no-such-event", now=utcnow(), parts=event_page_parts()) is None
            # Every statement was prepared on the server the first time, and is reused.
            assert event_stamp(slug=event.slug, now=utcnow(), parts=parts) == stamp
            prepared = connection.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in prepared]
            assert len(statements) == 1 + len(parts), statements
            for table in ("events ev", "event_slots", "questions"):
                assert any(f"FROM {table}" in s for s in statements), statements
            # A migration adds a column while the worker runs: the prepared `ev.*` cannot
            # change its columns, so the stamp is read again on a fresh connection.
            event_id, slug = event.id, event.slug
            db.session.commit()  # the test's own reads hold no lock the migration waits on
            with db.engine.begin() as migration:
                migration.execute(sa.text("ALTER TABLE events ADD COLUMN added_later integer"))
            after = event_stamp(slug=slug, now=utcnow(), parts=event_page_parts())
            assert after[0][0] == event_id and len(after[0]) == len(stamp[0]) + 1
            assert app.extensions["nclw_stamp_connection"]._connection is not connection
        finally:
            db.session.remove()
            db.engine.dispose()
