"""Every route, walked with real ids: no write without a CSRF token, no GET that writes.

The routes come from `app.url_map`, so routes added later are covered without editing
this file.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from tests.conftest import login, make_test_app
from tests.factories import make_registration, make_user, waiting_message
from tests.security.routes import (
    WRITE_METHODS,
    Values,
    build_path,
    changed_tables,
    routes,
    snapshots,
)
from tests.support.database import sqlite_path

pytestmark = pytest.mark.thorough  # walks every route of the site

# Fields a form might want; without a CSRF token none of them may be acted on.
PLAUSIBLE_FORM = {
    "first_name": "Sam",
    "name": "Sam",
    "email": "sam@example.org",
    "password": "correct horse battery staple",
    "title": "A title",
    "summary": "A summary",
    "body": "A question?",
    "text": "A question?",
    "capacity": "5",
    "reason": "Because",
    "confirm": "y",
}

# Routes allowed to skip the cookie CSRF check because they authenticate another way
# (endpoint -> why). Each must still refuse the request and change nothing.
CSRF_EXEMPT_BY_DESIGN: dict[str, str] = {}


@pytest.fixture
def world(tmp_path):
    """The demo week, tickets, a question, a proposal, account links, an organiser and a
    partner, with CSRF protection on."""
    from datetime import timedelta

    from nclw.accounts import invitations
    from nclw.accounts import services as accounts
    from nclw.accounts.models import TokenPurpose
    from nclw.demo import seed_demo
    from nclw.events.models import Audience, Event, EventFormat, EventStatus, QuestionAskers
    from nclw.timezones import utcnow
    from tests.partners.helpers import make_proposal
    from tests.questions.helpers import asked

    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        seed_demo()
        db.session.commit()
        event = db.session.scalar(
            db.select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.capacity > Event.confirmed_count + 1,
                Event.audience == Audience.EVERYONE,
            )
            .order_by(Event.starts_at.desc())
        )
        # In person, taking questions from anyone: every ticket and question page applies.
        event.format = EventFormat.HYBRID
        event.venue_name = event.venue_name or "Town hall"
        event.qa_enabled = True
        event.qa_askers = QuestionAskers.ANYONE
        db.session.commit()
        ticket = make_registration(event, status=RegistrationStatus.CONFIRMED)
        question = asked(event, registration=ticket)
        organiser = make_user(Role.ORGANISER)
        partner = make_user(Role.PARTNER, organisation=event.host)
        proposal = make_proposal(partner, submit=True)
        invite = invitations.invite_user(
            "new.person@example.org",
            role=Role.ORGANISER,
            organisation=None,
            actor=organiser,
            now=utcnow(),
        )
        waiting = waiting_message(event)
        db.session.add(waiting)
        # A time slot nobody holds, of the demo's mock interviews: its edit and remove apply.
        from nclw.registrations.slot_models import EventSlot

        slot = db.session.scalar(
            db.select(EventSlot).where(EventSlot.confirmed_count == 0).order_by(EventSlot.id)
        )
        reset, _ = accounts._new_token(
            TokenPurpose.PASSWORD_RESET,
            organiser.email,
            timedelta(hours=1),
            now=utcnow(),
            user_id=organiser.id,
        )
        db.session.commit()
        values = Values(
            {
                "slug": event.slug,
                "token": ticket.link_token,
                "year": event.edition.year,
                "filename": "css/site.css",
                "event_id": event.id,
                "registration_id": ticket.id,
                "question_id": question.id,
                "proposal_id": proposal.id,
                "move": "approve",
            },
            by_rule={
                ("/account/invite/<token>", "token"): invite,
                ("/account/reset/<token>", "token"): reset,
                ("/admin/events/<int:event_id>/messages/<int:message_id>/edit", "message_id"): (
                    waiting.id
                ),
                **{
                    (f"/admin/events/<int:event_id>/slots/<int:slot_id>/{action}", name): value
                    for action in ("edit", "remove")
                    for name, value in (("slot_id", slot.id), ("event_id", slot.event_id))
                },
            },
        )
        people = {"anonymous": None, "organiser": organiser, "partner": partner}
        yield app, values, people
        db.session.remove()
        db.engine.dispose()


def _client(app, person):
    client = app.test_client()
    if person is not None:
        login(client, person)
    return client


@pytest.fixture
def watched(world):
    """The database's rows before and after each request (see `Snapshots`)."""
    with snapshots() as each:
        yield each


def test_every_write_route_refuses_a_missing_or_forged_csrf_token(world, watched):
    app, values, people = world
    problems = []
    checked = 0
    for rule in routes(app, "POST") + [
        rule for method in ("PUT", "PATCH", "DELETE") for rule in routes(app, method)
    ]:
        path = build_path(app, rule, values)
        for who in ("anonymous", "organiser", "partner"):
            client = _client(app, people[who])
            for method in sorted(rule.methods & WRITE_METHODS):
                for token in (None, "forged-token"):
                    data = dict(PLAUSIBLE_FORM)
                    if token:
                        data["csrf_token"] = token
                    before = watched.now()
                    response = client.open(path, method=method, data=data)
                    after = watched.now()
                    checked += 1
                    exempt = CSRF_EXEMPT_BY_DESIGN.get(rule.endpoint)
                    expected = {400} if not exempt else {400, 401, 403}
                    if response.status_code not in expected:
                        problems.append(
                            f"{method} {path} as {who} with token={token!r}: "
                            f"{response.status_code}, expected {sorted(expected)}"
                        )
                    if before != after:
                        problems.append(
                            f"{method} {path} as {who} with token={token!r} changed "
                            f"{changed_tables(before, after)}"
                        )
    assert checked >= 6, "the walk found no write routes: is the url_map empty?"
    assert not problems, "\n".join(problems)


def test_no_get_changes_anything(world, watched):
    app, values, people = world
    problems = []
    visited = {}
    for who, person in people.items():
        client = _client(app, person)
        for rule in routes(app, "GET"):
            path = build_path(app, rule, values)
            before = watched.now()
            try:
                response = client.get(path)
                status = response.status_code
                response.close()
            except Exception as error:  # noqa: BLE001 - collect every failure, then report
                problems.append(f"GET {path} as {who} raised {error!r}")
                continue
            after = watched.now()
            visited[(who, rule.rule)] = status
            if status >= 500:
                # The page's own words say which part failed (/readyz names its checks).
                said = response.get_data(as_text=True)[:300]
                problems.append(f"GET {path} as {who}: {status} {said}")
            if before != after:
                problems.append(f"GET {path} as {who} changed {changed_tables(before, after)}")
    assert not problems, "\n".join(problems)
    # The walk must really reach the pages, not bounce off 404s: most of each person's own
    # pages answer 200 (the organisers' back office, the partners' area, the public site).
    own = {"organiser": "/admin", "partner": "/partner", "anonymous": ""}
    for who, prefix in own.items():
        theirs = {
            rule: status
            for (person, rule), status in visited.items()
            if person == who
            and rule.startswith(prefix)
            and (prefix or not rule.startswith(("/admin", "/partner", "/door")))
        }
        ok = [rule for rule, status in theirs.items() if status == 200]
        assert len(ok) >= len(theirs) // 2, (who, theirs)
    assert visited[("anonymous", "/tickets/<token>")] == 200
    assert visited[("anonymous", "/events/<slug>")] == 200
    # Signed in for real, with real ids: the private pages answer, not just redirect.
    signed_in_ok = [
        key for key, status in visited.items() if key[0] != "anonymous" and status == 200
    ]
    assert any(rule.startswith("/admin/events/<int:event_id>") for _, rule in signed_in_ok)
    assert any(rule.startswith("/partner/") for _, rule in signed_in_ok), visited


def test_a_valid_token_is_accepted_so_the_walk_is_not_vacuous(world):
    """The same client and route do work with a real token: the 400s above are the CSRF check."""
    import re

    app, values, _ = world
    client = app.test_client()
    path = f"/events/{values.by_name['slug']}/register"
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    count = db.session.scalar(db.select(db.func.count(Registration.id)))
    response = client.post(
        path, data={"csrf_token": token, "first_name": "Sam", "email": "walk@example.org"}
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == count + 1


def test_private_areas_are_closed_to_the_wrong_people(world):
    """Anonymous visitors are sent to sign in; partners never see the back office, organisers
    use the back office rather than the partner area, and one partner never sees another's."""
    from tests.partners.helpers import make_partner

    app, values, people = world
    other_partner = make_partner("Another organisation")
    problems = []
    for rule in routes(app, "GET"):
        area = rule.rule.split("/")[1]
        if area not in ("admin", "partner"):
            continue
        path = build_path(app, rule, values)
        expectations = {
            "anonymous": (None, {302}),
            "partner": (people["partner"], {200, 302} if area == "partner" else {403}),
            "organiser": (people["organiser"], {200, 302, 409} if area == "admin" else {403}),
            # Ids in the walk belong to the first partner's organisation.
            "other partner": (other_partner, {403, 404} if rule.arguments else {200, 302, 403}),
        }
        for who, (person, allowed) in expectations.items():
            if area == "admin" and who == "other partner":
                continue
            response = _client(app, person).get(path)
            response.close()
            if response.status_code not in allowed:
                problems.append(f"GET {path} as {who}: {response.status_code}, not {allowed}")
            if who == "anonymous" and "/sign-in" not in response.headers.get("Location", ""):
                problems.append(f"GET {path} as anonymous did not send them to sign in")
    assert not problems, "\n".join(problems)


def test_the_walks_snapshots_see_every_commit(app):
    """The walk reads the rows again only when something was committed (see `Snapshots`):
    a commit through the app's session and one from a connection of another process's kind
    are both seen, and with nothing committed the last rows are given again."""
    make_user()
    with snapshots() as watched:
        first = watched.now()
        if sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]) is not None:
            assert watched.now() is first, "read again with nothing committed"
        make_user()
        second = watched.now()
        assert changed_tables(first, second) == ["users"]
        with db.engine.connect() as other:
            other.execute(sa.text("UPDATE users SET name = 'Renamed'"))
            other.commit()
        assert changed_tables(second, watched.now()) == ["users"]
