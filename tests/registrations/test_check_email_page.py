"""The "check your email" page after a sign-up: rendered once per event, language and
outcome, with each person's own address put in (nclw/registrations/sign_up_pages.py)."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.sign_up_pages import CHECK_EMAIL_PAGES
from nclw.render_cache import page_cache
from tests.factories import make_event
from tests.security.test_week_cache import count_queries


def _sign_up(client, event, email: str, *, prefix: str = "") -> str:
    answer = client.post(
        f"{prefix}/events/{event.slug}/register", data={"first_name": "Sam", "email": email}
    )
    assert answer.status_code == 200, answer.text
    return answer.get_data(as_text=True)


def test_each_person_sees_their_own_address_on_one_kept_page(app, client):
    event = make_event(title="Careers session", capacity=5)
    first = _sign_up(client, event, "first@example.org")
    second = _sign_up(app.test_client(), event, "second@example.org")
    pages = page_cache(CHECK_EMAIL_PAGES)
    assert (pages.misses, pages.hits) == (1, 1)
    assert "<strong>first@example.org</strong>" in first and "second@" not in first
    assert "<strong>second@example.org</strong>" in second and "first@" not in second
    assert "\x00" not in first + second
    assert first.replace("first@", "second@") == second


def test_the_address_put_in_is_escaped(app, client):
    event = make_event(capacity=5)
    _sign_up(client, event, "plain@example.org")
    page = _sign_up(client, event, "o'brien+nclw@example.org")
    assert page_cache(CHECK_EMAIL_PAGES).hits == 1
    assert "<strong>o&#39;brien+nclw@example.org</strong>" in page
    assert "o'brien" not in page


def test_the_waiting_list_and_each_language_are_kept_apart(app, client):
    event = make_event(title="Careers session", title_cy="Sesiwn gyrfaoedd", capacity=1)
    ticket = _sign_up(client, event, "a@example.org")
    waiting = _sign_up(client, event, "b@example.org")
    welsh = _sign_up(client, event, "c@example.org", prefix="/cy")
    assert "You are on the waiting list" not in ticket
    assert "You are on the waiting list" in waiting and "Careers session" in waiting
    assert "Sesiwn gyrfaoedd" in welsh and 'lang="cy"' in welsh
    assert page_cache(CHECK_EMAIL_PAGES).hits == 0


def test_a_new_title_shows_at_once(app, client):
    event = make_event(title="Careers session", capacity=5)
    _sign_up(client, event, "a@example.org")
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(title="Mock interviews"))
    db.session.commit()
    page = _sign_up(client, event, "b@example.org")
    assert "Mock interviews" in page and "Careers session" not in page


def test_a_kept_page_reads_nothing_of_the_event_after_the_sign_up(app, client):
    event = make_event(capacity=5)
    _sign_up(client, event, "a@example.org")
    with count_queries() as statements:
        _sign_up(client, event, "b@example.org")
    # The event is read once, for the form; the sign-up's commit expires it, and the page
    # no longer loads it again to show its title.
    reads = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM events" in s]
    assert len(reads) == 1, reads


def test_a_signed_in_organiser_gets_a_page_of_their_own(app, client):
    from tests.conftest import login
    from tests.factories import make_user

    event = make_event(capacity=5)
    _sign_up(app.test_client(), event, "a@example.org")
    login(client, make_user())
    page = _sign_up(client, event, "b@example.org")
    assert "<strong>b@example.org</strong>" in page
    assert page_cache(CHECK_EMAIL_PAGES).hits == 0
