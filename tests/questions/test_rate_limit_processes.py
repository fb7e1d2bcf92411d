"""Question limits hold across two gunicorn worker processes sharing the local Redis."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from nclw.extensions import db
from tests.conftest import TEST_SECRET, make_test_app
from tests.factories import make_registration
from tests.questions.helpers import qa_event
from tests.support.ci import unavailable
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMIT = 5  # the default: five questions per ticket in ten minutes


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")


def _prepare_database(tmp_path: Path, tickets: int = 1) -> tuple[str, list[str]]:
    """A SQLite file with one event taking questions and some tickets; returns (url, tokens)."""
    # A database of its own, not the shared app's: gunicorn workers in other processes use it.
    app = make_test_app(tmp_path)
    with app.app_context():
        event = qa_event()
        tokens = [make_registration(event).link_token for _ in range(tickets)]
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    return url, tokens


def _question_count(database_url: str) -> int:
    # Read straight from the database: a new test app would empty PostgreSQL's tables first.
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM questions"))
    finally:
        engine.dispose()


def _server_env(database_url: str, storage: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "NCLW_ENV": "development",
        "NCLW_INSTANCE_PATH": str(tmp_path),
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": storage,
        "TEST_RATELIMIT_KEY_PREFIX": "qa-test-" + secrets.token_hex(8),
        "MAIL_SEND_AFTER_COMMIT": "false",
    }


def _fire(base_url: str, token: str, count: int) -> list[tuple[int, str]]:
    """Post `count` questions from one ticket, four at a time; return (status, worker pid)."""
    session = requests.Session()
    ask_url = f"{base_url}/tickets/{token}/questions/ask"
    page = session.get(ask_url, timeout=10)
    page.raise_for_status()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    cookies = session.cookies.get_dict()

    def ask(n: int) -> tuple[int, str]:
        response = requests.post(
            ask_url,
            data={"csrf_token": csrf, "body": f"Question {n}?"},
            cookies=cookies,
            allow_redirects=False,
            timeout=20,
        )
        return response.status_code, response.headers["X-Worker-Pid"]

    # Four at a time, so while one worker is busy the other must take the next request (with
    # two, on a loaded machine one worker often finished each before the next arrived).
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(ask, range(count)))


def test_the_limit_is_shared_by_two_worker_processes_through_redis(tmp_path: Path) -> None:
    _require_redis()
    database_url, tokens = _prepare_database(tmp_path, tickets=6)
    env = _server_env(database_url, REDIS_URL, tmp_path)
    accepted_total = 0
    with live_server(env=env, workers=2, app="tests.questions.worker_pid_wsgi:app") as server:
        # Which process takes a request is up to the kernel; a fresh ticket is tried when all
        # accepted questions happened to land on one process (nothing shared was exercised).
        for token in tokens:
            results = _fire(server.url, token, 16)
            statuses = Counter(status for status, _pid in results)
            assert statuses == {302: LIMIT, 429: 16 - LIMIT}, results
            accepted_total += LIMIT
            accepted_by = Counter(pid for status, pid in results if status == 302)
            if len(accepted_by) == 2:
                break
        else:
            pytest.fail(f"every ticket's questions landed on one process: {results}")
    assert _question_count(database_url) == accepted_total
    # Each process accepted fewer than the limit itself, yet refused the rest: it counted the
    # other process's questions, which only a shared store can tell it.
    refused_by = {pid for status, pid in results if status == 429}
    assert all(count < LIMIT for count in accepted_by.values())
    assert refused_by & set(accepted_by), results


def test_control_run_memory_storage_is_per_process(tmp_path: Path) -> None:
    """With memory storage each process counts alone: more get through. The test above can fail."""
    database_url, tokens = _prepare_database(tmp_path, tickets=6)
    env = _server_env(database_url, "memory://", tmp_path)
    with live_server(env=env, workers=2, app="tests.questions.worker_pid_wsgi:app") as server:
        # As above, the kernel may hand every request to one process; then try a fresh ticket.
        for token in tokens:
            results = _fire(server.url, token, 20)
            accepted = [pid for status, pid in results if status == 302]
            if len(set(accepted)) == 2:
                break
        else:
            pytest.fail(f"every ticket's questions landed on one process: {results}")
    assert len(accepted) > LIMIT, results
