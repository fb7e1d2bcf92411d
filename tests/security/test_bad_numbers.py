"""Numbers too big for a column, and requests that break the database session: 4xx or our page.

On PostgreSQL a number past a 32-bit column is an error, not "no such row"; CI runs these
there too (`make test-postgres`).
"""

from __future__ import annotations

import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.partners.models import Proposal
from tests.backoffice.helpers import event_form_data
from tests.conftest import login, make_test_app
from tests.factories import make_edition, make_event, make_organisation, make_user
from tests.partners.helpers import make_partner

HUGE = "99999999999999999999"
TOO_BIG_FOR_A_COLUMN = str(2**31)


def test_an_id_too_big_for_a_column_is_not_found(app, client):
    organiser = make_user(Role.ORGANISER)
    db.session.commit()
    login(client, organiser)
    for number in (HUGE, TOO_BIG_FOR_A_COLUMN):
        for path in (
            f"/admin/events/{number}",
            f"/admin/events/{number}/attendees",
            f"/admin/proposals/{number}",
            f"/admin/events/{number}/questions",
        ):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/admin/events/{number}/publish").status_code in (400, 404)


def test_query_numbers_too_big_are_ignored(app, client):
    organiser = make_user(Role.ORGANISER)
    db.session.commit()
    login(client, organiser)
    assert client.get(f"/admin/?year={HUGE}").status_code == 200
    assert client.get(f"/admin/?year={TOO_BIG_FOR_A_COLUMN}").status_code == 200
    assert client.get(f"/admin/audit?page={HUGE}").status_code == 200


def test_bulk_approve_ignores_ids_no_question_can_have(app, client):
    organiser = make_user(Role.ORGANISER)
    event = make_event(qa_enabled=True)
    db.session.commit()
    login(client, organiser)
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        f"/admin/events/{event.id}/questions/approve",
        data={"question_id": [HUGE, TOO_BIG_FOR_A_COLUMN, "²", "-1"]},
    )
    assert response.status_code in (302, 400)


def test_organisers_and_partners_are_held_to_the_same_number_of_places(app, client):
    """1 to 10,000 or no limit, on both forms, with the same words; never a 500."""
    organiser = make_user(Role.ORGANISER)
    event = make_event(status=EventStatus.DRAFT)
    db.session.commit()
    login(client, organiser)
    app.config["WTF_CSRF_ENABLED"] = False
    for places in (HUGE, "3000000000", "10001", "0"):
        response = client.post(
            f"/admin/events/{event.id}/edit", data=event_form_data(event, capacity=places)
        )
        assert response.status_code == 400, places
        assert "Enter a number of places from 1 to 10,000" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.capacity != 3_000_000_000

    partner = make_partner("Accenture")
    edition = make_edition()
    db.session.commit()
    login(client, partner)
    day = edition.starts_on.strftime("%Y-%m-%d")
    form = {
        "title": "Mock interviews",
        "summary": "Practise.",
        "day": day,
        "start_time": "16:00",
        "end_time": "17:00",
        "format": "online",
        "audience": "everyone",
        "safeguarding_lead": "Sam",
        "safeguarding_contact": "sam@example.org",
        "staff_dbs_checked": "yes",
        "age_rule": "18+",
    }
    for places in (HUGE, "10001", "0"):
        response = client.post("/partner/proposals/new", data={**form, "capacity": places})
        assert response.status_code == 400, places
        assert "Enter a number of places from 1 to 10,000" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    accepted = client.post("/partner/proposals/new", data={**form, "capacity": "10000"})
    assert accepted.status_code == 302


def test_the_error_page_survives_a_broken_database_session(tmp_path):
    """A failed flush leaves the session unusable: the 500 page must not need it."""
    app = make_test_app(
        tmp_path,
        TESTING=False,
        DEVELOPMENT=False,
        QUESTION_ASKER_KEY="q" * 40,
        # The organiser below signs in without two-step; what is tested is the error page.
        TWO_STEP_REQUIRED_FOR_ORGANISERS=False,
    )

    @app.get("/break")
    def break_the_session():
        organisation = make_organisation()
        db.session.commit()
        # Two organisations of one name: the flush fails on the UNIQUE constraint.
        db.session.add(type(organisation)(name=organisation.name, kind=organisation.kind))
        db.session.flush()
        return "not reached"

    with app.app_context():
        organiser = make_user(Role.ORGANISER, email="boss@example.org")
        db.session.commit()
        client = app.test_client()
        login(client, organiser)
        db.session.remove()
    response = client.get("/break")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in body
    assert "<!doctype html>" in body  # our page, not Werkzeug's bare one
    assert "Sign out" not in body  # drawn without reading the signed-in user
    # The next request works as normal: nothing was left half-done.
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
        db.session.remove()


def test_a_joining_link_with_a_line_break_is_refused_by_every_form(app, client):
    """A hand-made request can put a line break in a URL field; the rules refuse it."""
    organiser = make_user(Role.ORGANISER)
    event = make_event(status=EventStatus.DRAFT)
    db.session.commit()
    login(client, organiser)
    app.config["WTF_CSRF_ENABLED"] = False
    link = "https://meet.example.org/room\r\nabc"
    response = client.post(
        f"/admin/events/{event.id}/edit",
        data=event_form_data(event, format="online", online_url=link),
    )
    assert response.status_code == 400
    assert "without hidden characters" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.online_url != link


def test_public_ids_too_big_for_a_column_are_not_found(app, client):
    event = make_event(qa_enabled=True)
    db.session.commit()
    for number in (TOO_BIG_FOR_A_COLUMN, HUGE):
        assert client.get(f"/weeks/{number}").status_code == 404
        for action in ("vote", "withdraw"):
            url = f"/events/{event.slug}/questions/{number}/{action}"
            assert client.post(url).status_code == 404, url


def test_a_line_break_in_the_back_office_next_field_is_not_followed(app, client):
    """The check-in is saved, and the answer is a plain redirect, never a 500."""
    from nclw.registrations.models import Registration
    from tests.factories import make_registration

    organiser = make_user(Role.ORGANISER)
    event = make_event()
    person = make_registration(event)
    db.session.commit()
    login(client, organiser)
    app.config["WTF_CSRF_ENABLED"] = False
    for target in (f"/admin/events/{event.id}/attendees\r\nSet-Cookie: x=1", "/admin/\\evil"):
        response = client.post(f"/admin/registrations/{person.id}/check-in", data={"next": target})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/admin/events/{event.id}/attendees")
    db.session.expire_all()
    assert db.session.get(Registration, person.id).checked_in_at is not None
