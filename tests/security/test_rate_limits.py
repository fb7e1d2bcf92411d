"""Rate limits on sign-up, sign-in and password reset hold across gunicorn workers (Redis)."""

from __future__ import annotations

import http.client
import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nclw.extensions import db
from tests.conftest import TEST_SECRET, make_test_app
from tests.factories import make_event
from tests.support.ci import unavailable
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")


def _database(tmp_path: Path) -> tuple[str, str]:
    # A database of its own, not the shared app's: gunicorn workers in other processes use it.
    app = make_test_app(tmp_path)
    with app.app_context():
        slug = make_event(capacity=500).slug
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    return url, slug


def _request(server, method: str, path: str, body: str = "", cookie: str = ""):
    """One request on its own connection (sync workers take turns)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def _form_session(server, path: str) -> tuple[str, str]:
    """A session cookie and the CSRF token of the form at `path`, so the limit is what stops us."""
    response, page = _request(server, "GET", path)
    cookie = "; ".join(
        value.split(";", 1)[0]
        for name, value in response.getheaders()
        if name.lower() == "set-cookie" and value.startswith("session=")
    )
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return cookie, token


def _post(server, path: str, body: str, session: tuple[str, str]) -> tuple[int, str]:
    cookie, token = session
    response, _ = _request(server, "POST", path, f"{body}&csrf_token={token}", cookie)
    return response.status, response.getheader("X-Worker-Pid", "")


def _fire(tmp_path: Path, storage: str, path_for, body_for, minimum: int):
    """POST at least `minimum` times, and on until both workers have answered."""
    url, slug = _database(tmp_path)
    env = {
        "NCLW_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "QUESTION_ASKER_KEY": "a" * 40,
        "NCLW_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": storage,
        "TEST_RATELIMIT_KEY_PREFIX": "nclw-test-" + secrets.token_hex(6),
        "MAIL_SEND_AFTER_COMMIT": "0",
    }
    results: list[tuple[int, str]] = []
    # Concurrent, so both workers take requests (an idle pair tends to leave one asleep).
    with (
        live_server(env, workers=2, app="tests.security.pid_wsgi:app") as server,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        session = _form_session(server, path_for(slug))
        while len(results) < minimum or len({pid for _, pid in results}) < 2:
            start = len(results)
            batch = range(start, start + 8)
            results += pool.map(
                lambda n: _post(server, path_for(slug), body_for(n), session), batch
            )
            if len(results) > 400:
                break
    statuses = Counter(status for status, _ in results)
    workers = {pid for _, pid in results if pid}
    return statuses, workers


# (name, path, limit per minute for one address, form body)
LIMITED = [
    ("sign-up", lambda slug: f"/events/{slug}/register", 30, lambda n: "first_name=&email="),
    # A new address each time, so the per-address limit (5) does not hide the per-IP one.
    (
        "sign-in",
        lambda slug: "/sign-in",
        10,
        lambda n: f"email=a{n}%40example.org&password=wrong",
    ),
    ("password reset", lambda slug: "/account/reset", 5, lambda n: "email=a%40example.org"),
]


@pytest.mark.parametrize(
    ("name", "path_for", "limit", "body"), LIMITED, ids=[x[0] for x in LIMITED]
)
def test_limit_is_shared_by_two_workers_through_redis(tmp_path, name, path_for, limit, body):
    _require_redis()
    statuses, workers = _fire(tmp_path, REDIS_URL, path_for, body, minimum=limit + 6)
    assert len(workers) == 2, f"both workers must answer to prove anything: {workers}"
    assert statuses[429] >= 6, statuses
    assert sum(count for status, count in statuses.items() if status != 429) == limit, statuses


def test_without_shared_storage_each_worker_counts_alone(tmp_path):
    """The control: with per-process memory the same burst gets more through than the limit."""
    _require_redis()
    _, path_for, limit, body_for = LIMITED[0]
    statuses, workers = _fire(tmp_path, "memory://", path_for, body_for, minimum=limit + 6)
    assert len(workers) == 2
    assert sum(count for status, count in statuses.items() if status != 429) > limit, statuses
