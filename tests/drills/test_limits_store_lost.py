"""Fault drill: the rate limits' Redis dies (or hangs) in the middle of a burst of sign-ups.

The Redis here is one the drill starts on a port of its own; the shared one is never touched.
gunicorn (two workers) counts its limits in it until it goes. Nobody may be refused or see an
error because of it, and the limits go on holding, each worker counting in its own memory
(RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).

All requests come from 127.0.0.1, and sign-ups are limited to 30 a minute per address
(registrations.views.register): the burst stays under that, so any refusal is the store's.
"""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import redis

from tests.drills.helpers import Burst, Figures, fire, lost, private_redis, read_stored
from tests.e2e.signup_storm import CSRF_RE, prepare_database, server_env
from tests.support.live_server import live_server
from tests.support.net import free_port

pytestmark = pytest.mark.slow

PEOPLE = 24  # under the 30 sign-ups a minute one address may make
CAPACITY = 10
SPREAD_SECONDS = 3.0
LOST_AFTER = 8  # the store goes once this many sign-ups are answered
RESEND_LIMIT = 5  # "Email my ticket again": five a minute per address
WORKERS = 2
FELL_BACK = "falling back to in-memory storage"


def _ask_again(base_url: str, slug: str, times: int) -> Counter[int]:
    """Ask for a ticket to be emailed again `times` times, as one browser; count the answers."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(f"{base_url}/events/{slug}/register", timeout=30) as page:
        token = CSRF_RE.search(page.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": "nobody@example.com"})
    answers: Counter[int] = Counter()
    for _ in range(times):
        try:
            with browser.open(
                f"{base_url}/events/{slug}/lost-ticket", data=form.encode(), timeout=30
            ) as response:
                answers[response.status] += 1
        except urllib.error.HTTPError as error:
            answers[error.code] += 1
    return answers


@pytest.mark.parametrize("how", ["killed", "frozen"])
def test_sign_ups_go_on_when_the_limits_store_goes(tmp_path: Path, request, how: str):
    database_url = f"sqlite:///{tmp_path / 'drill.sqlite'}"
    with private_redis(tmp_path) as store:
        env = {
            **server_env(database_url, tmp_path),
            "RATELIMIT_ENABLED": "1",
            "RATELIMIT_STORAGE_URI": store.url,
        }
        slug = prepare_database(env, capacity=CAPACITY)
        emails = [f"person{n}@example.com" for n in range(PEOPLE)]
        with live_server(env, workers=WORKERS) as server:
            burst = Burst(server.url, slug, emails, spread=SPREAD_SECONDS).start()
            burst.wait_answered(LOST_AFTER)
            # The limits really were kept in this Redis until now.
            counted = redis.Redis.from_url(store.url, socket_timeout=2).dbsize()
            store.kill() if how == "killed" else store.freeze()
            lost_at = time.monotonic()
            signups = burst.join()
            # With the store gone the limits still hold, each worker counting on its own.
            resends = _ask_again(server.url, slug, 3 * RESEND_LIMIT)
            log = server.log()

    stored = read_stored(database_url, slug)
    server_errors = [s.describe() for s in signups if s.server_error]
    Figures(
        f"Redis {how} mid-burst",
        requests=len(signups),
        server_errors=len(server_errors),
        lost=len(lost(signups, stored)),
        duplicated=sum(n - 1 for n in stored.live_addresses().values()),
        notes={
            "posted_after_the_store_went": sum(1 for s in signups if s.posted_at > lost_at),
            "resend_answers_after": dict(resends),
        },
    ).record(request.node)

    assert counted > 0, "the limiter never wrote to the private Redis"
    assert sum(1 for s in signups if s.posted_at > lost_at) >= PEOPLE // 4, "not mid-burst"
    assert [s.describe() for s in signups if not s.told_to_check_email] == [], log
    assert lost(signups, stored) == []
    assert sorted(stored.live_addresses()) == sorted(emails)
    assert stored.half_saved() == []
    assert len(stored.confirmed()) == stored.confirmed_count == CAPACITY
    # At most the limit in each worker was let through; the rest were refused.
    assert set(resends) <= {200, 429}, resends
    assert resends[200] <= WORKERS * RESEND_LIMIT and resends[429] >= RESEND_LIMIT, resends
    assert "Traceback" not in log, log


def test_gunicorn_says_when_the_limits_store_cannot_be_reached(tmp_path: Path):
    """An operator must be able to see that the limits went per process."""
    database_url = f"sqlite:///{tmp_path / 'drill.sqlite'}"
    env = {
        **server_env(database_url, tmp_path),
        "RATELIMIT_ENABLED": "1",
        # Nothing listens there: the store is down from the start.
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
    }
    slug = prepare_database(env, capacity=CAPACITY)
    with live_server(env, workers=1) as server:
        (signup,) = fire(server.url, slug, ["sam@example.com"])
        log = server.log()
    assert signup.told_to_check_email, signup.describe()
    assert FELL_BACK in log, log
