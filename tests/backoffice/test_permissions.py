"""Every back-office, partner and door route, visited by everyone: none may be left open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.backoffice.views._blueprint import endpoints_open_to_door_staff
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import MessageTemplate
from nclw.registrations.sign_up_questions import QuestionKind, SignUpQuestion
from nclw.registrations.slot_models import EventSlot
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user, waiting_message

AREAS = ("/admin", "/partner", "/door")
HOUR = timedelta(hours=1)
# Door staff reach the check-in desk, for the events they are given, and nothing else.
DOOR_STAFF_DESK = "backoffice.check_in_desk"
# The desk, and its buttons: check in someone found by name, and undo a check-in.
DESK_ENDPOINTS = {
    DOOR_STAFF_DESK,
    "backoffice.check_in_person",
    "backoffice.undo_check_in",
    "backoffice.check_in_sent",  # the desk's script: tapped or scanned, perhaps sent late
}


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(AREAS)]
    assert len(rules) > 20, "the back office should have many routes"
    return rules


def _url(app, rule, week, *, event=None):
    ids = {
        "event_id": (event or week.event).id,
        "registration_id": week.confirmed.id,
        "user_id": week.partner.id,
        "message_id": 1,
        "proposal_id": 1,
        "question_id": 1,
        # Reports: the week and the host of the event.
        "year": (event or week.event).edition.year,
        "organisation_id": (event or week.event).host_id,
    }
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = ids.get(name, 1) if isinstance(converter, IntegerConverter) else "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _methods(rule):
    return [m for m in ("GET", "POST") if m in rule.methods]


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client, week):
    checked = 0
    for rule in _routes(app):
        url = _url(app, rule, week)
        for method in _methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} is open to anyone"
            assert "/sign-in" in response.headers["Location"], f"{method} {url}"
            checked += 1
    assert checked > 20


def test_partners_get_403_on_every_admin_route(app, client, week):
    login(client, week.partner)
    for rule in _routes(app):
        if not rule.rule.startswith("/admin"):
            continue
        url = _url(app, rule, week)
        for method in _methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{method} {url} gave a partner {response.status}"


def test_organisers_reach_every_admin_route(app, client, week):
    db_message = OutboxMessage(kind="x", to_address="a@example.com", subject="s", text_body="b")
    db.session.add(db_message)
    # Id 1 of each, as the walk's ids say: a message waiting to go, and a saved template.
    db.session.add(waiting_message(week.event))
    db.session.add(MessageTemplate(name="Doors", subject="Doors open", body="Hello"))
    # ...and a time slot of the event.
    start = week.event.starts_at
    db.session.add(EventSlot(event_id=week.event.id, starts_at=start, ends_at=start + HOUR / 3))
    db.session.add(
        SignUpQuestion(
            event_id=week.event.id, kind=QuestionKind.SHORT_TEXT, label="Q?", why_we_ask="Why."
        )
    )
    db.session.commit()
    login(client, week.organiser)
    for rule in _routes(app):
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        url = _url(app, rule, week)
        response = client.get(url)
        # 404/409 are answers from inside (no such thing, not in this state): access was given.
        assert response.status_code in (200, 302, 404, 409), f"GET {url}: {response.status}"
        if rule.endpoint.startswith("backoffice."):
            assert response.status_code == 200, f"GET {url}: {response.status}"
        if response.status_code == 302:
            assert "/sign-in" not in response.headers["Location"], url
        assert response.headers["Cache-Control"] == "no-store", url


@pytest.mark.parametrize("path", ["/admin/", "/admin/events", "/admin/audit"])
def test_a_signed_out_cookie_no_longer_opens_the_back_office(app, client, week, path):
    login(client, week.organiser)
    assert client.get(path).status_code == 200
    client.post("/sign-out")
    assert client.get(path).status_code == 302


def test_the_walk_covers_changing_a_role(app):
    rules = {rule.endpoint: rule for rule in _routes(app)}
    assert "backoffice.change_role" in rules
    assert {"GET", "POST"} <= rules["backoffice.change_role"].methods


def test_only_the_check_in_desk_is_open_to_door_staff():
    # Opening another back-office page to door staff must be a decision this test records.
    assert endpoints_open_to_door_staff() == DESK_ENDPOINTS


def test_door_staff_get_403_everywhere_but_the_desk_of_an_event_they_are_given(
    app, client, week, door
):
    login(client, door)
    checked = 0
    for rule in _routes(app):
        # Their own page, /door/, is theirs: test_only_door_staff_have_a_door_page.
        if rule.endpoint in DESK_ENDPOINTS or not rule.rule.startswith(("/admin", "/partner")):
            continue
        url = _url(app, rule, week)
        for method in _methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{method} {url} gave door staff {response.status}"
            checked += 1
    assert checked > 40
    db.session.refresh(week.confirmed)
    assert week.confirmed.checked_in_at is None


def test_door_staff_reach_the_desk_of_an_event_they_are_given(app, client, week, door):
    login(client, door)
    [desk] = [rule for rule in _routes(app) if rule.endpoint == DOOR_STAFF_DESK]
    url = _url(app, desk, week)
    assert client.get(url).status_code == 200
    done = client.post(url, data={"reference": week.confirmed.reference})
    assert done.status_code == 302 and done.headers["Location"] == url
    db.session.refresh(week.confirmed)
    assert week.confirmed.checked_in_at is not None


def test_door_staff_are_refused_the_desk_of_an_event_they_are_not_given(app, client, week, door):
    other = make_event()
    stranger = make_registration(other, first_name="Zephyrine", email="zephyrine@example.com")
    login(client, door)
    [desk] = [rule for rule in _routes(app) if rule.endpoint == DOOR_STAFF_DESK]
    url = _url(app, desk, week, event=other)
    scanned = client.get(url, query_string={"reference": stranger.reference})
    assert scanned.status_code == 403 and b"Zephyrine" not in scanned.data
    refused = client.post(url, data={"reference": stranger.reference})
    assert refused.status_code == 403
    found = client.get(url, query_string={"q": "Zeph"})
    assert found.status_code == 403 and b"Zephyrine" not in found.data
    for button in ("", "/undo"):
        pressed = client.post(f"/admin/events/{other.id}/check-in/{stranger.id}{button}")
        assert pressed.status_code == 403
    for sent in ({"registration_id": stranger.id}, {"reference": stranger.reference}):
        script = client.post(f"/admin/events/{other.id}/check-in/sent", json=sent)
        assert script.status_code == 403 and b"Zephyrine" not in script.data
    db.session.refresh(stranger)
    assert stranger.checked_in_at is None
    assert not db.session.query(AuditEntry).filter_by(action="registration.checked_in").count()


def test_only_door_staff_have_a_door_page(app, client, week, door):
    for person in (week.organiser, week.partner):
        login(client, person)
        assert client.get("/door/").status_code == 403, person.role
    login(client, door)
    assert client.get("/door/").status_code == 200


def test_a_deactivated_door_staff_account_opens_nothing(app, client, week, door):
    login(client, door)
    door.active = False
    db.session.commit()
    for path in (f"/admin/events/{week.event.id}/check-in", "/door/"):
        assert client.get(path).status_code == 403, path


def test_partners_and_anonymous_visitors_cannot_use_a_desk_door_staff_may(app, client, week):
    url = f"/admin/events/{week.event.id}/check-in"
    assert "/sign-in" in client.get(url).headers["Location"]
    login(client, make_user(Role.PARTNER, organisation=week.event.host))
    assert client.get(url).status_code == 403
