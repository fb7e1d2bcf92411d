"""Security headers, request size limits, error pages and the production secret check."""

from __future__ import annotations

import pytest

from nclw import create_app
from nclw.config import DEVELOPMENT_SECRET, ConfigurationError, load_settings
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.security import CONTENT_SECURITY_POLICY
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration, make_user


def _csp_directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (value[0] if value else "") for name, *value in parts}


def test_csp_forbids_inline_script_plugins_base_and_framing(client):
    response = client.get("/")
    directives = _csp_directives(response.headers["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "path", ["/", "/privacy", "/no-such-page", "/static/css/site.css", "/events/missing"]
)
def test_every_response_carries_the_headers(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"no-referrer", "strict-origin-when-cross-origin"}
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_outside_development_only(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "d").mkdir()
    production = make_test_app(tmp_path / "p", DEVELOPMENT=False)
    assert (
        "max-age=31536000" in production.test_client().get("/").headers["Strict-Transport-Security"]
    )
    development = make_test_app(tmp_path / "d", DEVELOPMENT=True)
    assert "Strict-Transport-Security" not in development.test_client().get("/").headers


def test_public_pages_may_be_cached_but_tickets_may_not(app, client):
    event = make_event()
    registration = make_registration(event)
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    for path in (
        f"/tickets/{registration.link_token}",
        f"/tickets/{registration.link_token}/invite.ics",
        f"/tickets/{registration.link_token}/cancel",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_answers_to_a_form_post_are_not_stored(app, client):
    event = make_event()
    response = client.post(f"/events/{event.slug}/register", data={"first_name": "Sam"})
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"


def test_back_office_partner_and_export_responses_are_not_stored(app, client):
    from tests.conftest import login

    organiser = make_user()
    login(client, organiser)
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/admin", "/partner")) and not rule.arguments
    ]
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        response = client.get(rule.rule)
        assert response.headers["Cache-Control"] == "no-store", rule.rule
    # A CSV anywhere is private, whatever its address.
    with app.test_request_context():
        from flask import Response

        csv = app.process_response(Response("a,b\n", mimetype="text/csv"))
    assert csv.headers["Cache-Control"] == "no-store"


def test_oversized_body_gets_a_friendly_413(tmp_path):
    app = make_test_app(tmp_path, MAX_CONTENT_LENGTH=10_000)
    client = app.test_client()
    with app.app_context():
        event = make_event()
        slug = event.slug
        before = db.session.execute(db.text("select count(*) from registrations")).scalar()
    response = client.post(
        f"/events/{slug}/register",
        data={"first_name": "A" * 20_000, "email": "a@example.com"},
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    with app.app_context():
        after = db.session.execute(db.text("select count(*) from registrations")).scalar()
    assert after == before


def test_production_shows_no_traceback_even_with_flask_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_test_app(tmp_path, TESTING=False, DEVELOPMENT=False, QUESTION_ASKER_KEY="q" * 40)
    assert app.debug is False

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in body
    assert "hunter2" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body


def test_production_starts_on_the_keys_make_generated(tmp_path, monkeypatch):
    # `make run` and `make migrate` write both keys into the instance folder.
    monkeypatch.setenv("NCLW_ENV", "production")
    monkeypatch.setenv("NCLW_INSTANCE_PATH", str(tmp_path))
    for name in ("SECRET_KEY", "QUESTION_ASKER_KEY", "TOKEN_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "secret_key").write_text("s" * 64 + "\n")
    (tmp_path / "asker_key").write_text("a" * 64 + "\n")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert (app.config["SECRET_KEY"], app.config["QUESTION_ASKER_KEY"]) == ("s" * 64, "a" * 64)


def test_production_refuses_to_start_without_a_real_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("NCLW_ENV", "production")
    monkeypatch.setenv("NCLW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    with pytest.raises(ConfigurationError):
        create_app(base)
    for weak in ("", "short", DEVELOPMENT_SECRET, DEVELOPMENT_SECRET + "x" * 5):
        monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(ConfigurationError):
            create_app(base)
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    # The asker key is required too, and must be a key of its own.
    for asker_key in (None, "short", "k" * 48):
        if asker_key is None:
            monkeypatch.delenv("QUESTION_ASKER_KEY", raising=False)
        else:
            monkeypatch.setenv("QUESTION_ASKER_KEY", asker_key)
        with pytest.raises(ConfigurationError, match="QUESTION_ASKER_KEY"):
            create_app(base)
    monkeypatch.setenv("TOKEN_HASH_KEY", "t" * 48)
    monkeypatch.setenv("QUESTION_ASKER_KEY", "t" * 48)
    with pytest.raises(ConfigurationError, match="QUESTION_ASKER_KEY"):
        create_app(base)
    monkeypatch.setenv("QUESTION_ASKER_KEY", "q" * 48)
    app = create_app(base)
    assert app.config["SECRET_KEY"] == "k" * 48
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_gets_a_placeholder_secret_and_plain_http_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("NCLW_ENV", "development")
    monkeypatch.setenv("NCLW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = load_settings(str(tmp_path))
    assert settings["DEVELOPMENT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is False
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET


def test_session_cookie_is_httponly_and_samesite(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        slug = make_event().slug
    response = app.test_client().get(f"/events/{slug}/register")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_control_characters_never_reach_a_view(app, client):
    event = make_event(capacity=5)
    response = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "\x00Sam\x07\x1b", "email": "sam@example.org\x00"},
    )
    assert response.status_code == 200
    stored = db.session.scalar(db.select(Registration))
    assert (stored.first_name, stored.email) == ("Sam", "sam@example.org")
    nothing_but_controls = client.post(
        f"/events/{event.slug}/register", data={"first_name": "\x00\x01", "email": "x@example.org"}
    )
    assert nothing_but_controls.status_code == 400
    assert "Enter your first name" in nothing_but_controls.get_data(as_text=True)
    assert client.get("/events/%00").status_code == 404
    assert client.get("/?format=online%00").status_code == 200


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_real_attendee_exports_are_not_stored(app, client, file_format):
    from tests.conftest import login

    event = make_event()
    make_registration(event, first_name="=HYPERLINK(1)")
    login(client, make_user())
    response = client.post(
        "/admin/exports",
        data={"scope": str(event.id), "file_format": file_format, "columns": ["first_name"]},
        buffered=True,  # read the streamed body inside the request, as a real server does
    )
    body = response.get_data()
    assert response.status_code == 200
    assert response.mimetype in (
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.headers["Cache-Control"] == "no-store"
    if file_format == "csv":
        assert "=HYPERLINK" not in body.decode("utf-8-sig").replace("'=HYPERLINK", "")


def test_ticket_pages_are_never_listed_by_search_engines(app, client):
    registration = make_registration(make_event())
    token = registration.link_token
    for path in (
        f"/tickets/{token}",
        f"/tickets/{token}/cancel",
        f"/tickets/{token}/delete",
        f"/tickets/{token}/invite.ics",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "noindex" in response.headers["X-Robots-Tag"], path
    assert "X-Robots-Tag" not in client.get("/").headers
    # The old landing page only redirects, and says the same.
    moved = client.get(f"/tickets/{token}/confirmation")
    assert moved.status_code == 301 and "noindex" in moved.headers["X-Robots-Tag"]


def test_the_sign_in_page_is_not_stored(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
