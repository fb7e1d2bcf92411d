"""Who may keep a response: one table classes every route, and nothing personal is shared."""

from __future__ import annotations

from nclw.events.models import EventStatus, QuestionAskers
from nclw.http_cache import OWN, PRIVATE, PUBLIC, policy_for
from nclw.security import PRIVATE_PREFIXES
from tests.conftest import login
from tests.factories import make_edition, make_event, make_registration, make_user


def test_every_get_route_is_classed(app):
    unclassed = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and policy_for(rule.endpoint) is None
    ]
    assert unclassed == [], "add them to nclw/http_cache.py"


def test_only_public_reads_are_shared(app):
    shared = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and policy_for(rule.endpoint).shared
    }
    assert all(endpoint.startswith(("events.", "pages.", "api.")) for endpoint in shared)
    assert policy_for("registrations.ticket") is PRIVATE


def test_routes_under_private_addresses_are_private(app):
    private_paths = (*PRIVATE_PREFIXES, "/bookings/", "/feedback/", "/door")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(private_paths):
            assert policy_for(rule.endpoint) is PRIVATE, rule.rule


def test_a_signed_in_reader_gets_nothing_a_proxy_may_keep(app, client):
    event = make_event(edition=make_edition(), status=EventStatus.CANCELLED)
    login(client, make_user())
    for path in ("/", "/privacy", f"/events/{event.slug}", "/week.ics", "/api/events"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PRIVATE.cache_control, path


def test_a_reader_with_a_session_cookie_is_not_shared(app):
    make_event(edition=make_edition())
    client = app.test_client()
    with client.session_transaction() as session:
        session["seen"] = True
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_with_a_form_token_is_never_shared(app):
    # The lost-ticket form puts a token in the reader's session (and so sets a cookie).
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event(edition=make_edition())
    response = app.test_client().get(f"/events/{event.slug}/lost-ticket")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_an_event_page_without_a_form_may_be_kept_by_a_proxy(app):
    event = make_event(edition=make_edition())
    response = app.test_client().get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_an_event_page_with_an_open_question_form_is_never_shared(app):
    # Where anyone may ask, the page holds a form token: it is that reader's own.
    app.config["WTF_CSRF_ENABLED"] = True  # (put back after the test)
    event = make_event(edition=make_edition(), qa_enabled=True, qa_askers=QuestionAskers.ANYONE)
    response = app.test_client().get(f"/events/{event.slug}")
    assert 'name="csrf_token"' in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_tickets_and_the_back_office_are_never_public(app, client):
    event = make_event(edition=make_edition())
    registration = make_registration(event)
    token = registration.link_token
    for path in (
        f"/tickets/{token}",
        f"/tickets/{token}/invite.ics",
        f"/tickets/{token}/cancel",
        f"/events/{event.slug}/register",
        "/sign-in",
    ):
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    login(client, make_user())
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.rule.startswith("/admin"):
            response = client.get(rule.rule)
            assert "public" not in response.headers.get("Cache-Control", ""), rule.rule
            assert "no-store" in response.headers.get("Cache-Control", ""), rule.rule


def test_a_form_post_and_a_missing_page_are_not_stored(app):
    event = make_event(edition=make_edition())
    posted = app.test_client().post(f"/events/{event.slug}/register", data={})
    assert posted.headers["Cache-Control"] == "no-store"
    missing = app.test_client().get("/events/no-such-event")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"
    assert "ETag" not in missing.headers


def test_files_keep_their_own_validators(app):
    assert policy_for("static") is OWN
    response = app.test_client().get("/week/share.png")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert PUBLIC.cache_control != response.headers["Cache-Control"]
