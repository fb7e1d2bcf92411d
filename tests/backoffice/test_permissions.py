"""Every back-office and partner route, visited by everyone: none may be left open."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from nclw.mail.models import OutboxMessage
from tests.conftest import login

AREAS = ("/admin", "/partner")


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(AREAS)]
    assert len(rules) > 20, "the back office should have many routes"
    return rules


def _url(app, rule, week):
    ids = {
        "event_id": week.event.id,
        "registration_id": week.confirmed.id,
        "user_id": week.partner.id,
        "message_id": 1,
        "proposal_id": 1,
        "question_id": 1,
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
    from nclw.extensions import db

    db.session.add(db_message)
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
