"""/healthz and /readyz: what an uptime monitor polls."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.ops.helpers import mark_migrated
from tests.support.database import sqlite_url
from tests.support.net import free_port


def _forget_migrations() -> None:
    # Committed at once: an open transaction holding the table's lock would make the
    # request's own connection wait for it (for ever, on PostgreSQL).
    db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def test_healthz_answers_without_touching_the_database(app, client):
    _forget_migrations()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_every_check_passes(app, client):
    mark_migrated()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "redis", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_says_when_migrations_are_behind(app, client):
    mark_migrated(["0001_older"])
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json["checks"]["migrations"]
    assert check["ok"] is False
    assert check["revision"] == ["0001_older"]
    assert "db upgrade" in check["message"]
    # The other checks still ran.
    assert response.json["checks"]["database"]["ok"] is True


def test_readyz_says_when_the_database_was_never_migrated(app, client):
    _forget_migrations()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["migrations"]["ok"] is False


def test_readyz_says_when_the_oldest_email_has_waited_too_long(app, client):
    mark_migrated()
    app.config["READY_OUTBOX_MAX_AGE_SECONDS"] = 600
    db.session.add(
        OutboxMessage(
            kind="ticket_confirmed",
            to_address="someone@example.com",
            status=MessageStatus.PENDING,
            created_at=utcnow() - timedelta(minutes=11),
        )
    )
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    outbox = response.json["checks"]["outbox"]
    assert outbox["ok"] is False and outbox["pending"] == 1
    assert 650 <= outbox["oldest_pending_seconds"] <= 700
    # Counts and ages only: nothing about the person.
    assert "someone@example.com" not in response.get_data(as_text=True)


def test_readyz_checks_redis_when_rate_limits_use_it(app, client):
    mark_migrated()
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port('127.0.0.1')}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {
        "ok": False,
        "configured": True,
        "message": "ConnectionError",
    }


def test_readyz_finds_the_shared_redis(app, client):
    import redis

    from tests.support.ci import unavailable

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        unavailable("Redis is not running on 127.0.0.1:6379")
    mark_migrated()
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["redis"] == {"ok": True, "configured": True}


def test_health_pages_are_never_rate_limited(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    with app.app_context():
        mark_migrated()
    statuses = {client.get(path).status_code for path in ["/healthz", "/readyz"] * 5}
    assert statuses == {200}
    # The same limit refuses an ordinary page: it is on, and the health pages are exempt.
    assert 429 in {client.get("/privacy").status_code for _ in range(5)}


def test_default_limits_belong_to_the_app_that_set_them(tmp_path):
    # The Limiter is shared by every app in the process; a later app without a default limit
    # must not inherit an earlier one's.
    make_test_app(tmp_path / "first", RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    app = make_test_app(tmp_path / "second", RATELIMIT_ENABLED=True)
    client = app.test_client()
    assert {client.get("/privacy").status_code for _ in range(5)} == {200}


@pytest.mark.slow
def test_readyz_is_ready_after_the_real_migrations(tmp_path):
    """The migrations check against a database built by `flask db upgrade`, not by the test."""
    (tmp_path / "real").mkdir()
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=sqlite_url(tmp_path / "real"))
    with app.app_context():
        db.drop_all()
        upgrade(revision="heads")
        response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
