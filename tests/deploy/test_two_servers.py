"""Two app servers behind nginx, one database: announcement day's burst, made small.

The same set-up as `make bench`'s (bench/two_servers.py): two gunicorn masters, each with its
mail sender on a network host of its own (a network namespace, where the machine allows it;
else two loopback ports), deploy/nginx.conf in front of both, PostgreSQL and Redis shared,
and one SMTP server. Its own database: the servers and senders are other
processes, and must see each other's commits. (Its schema comes from the models, not the
migrations, which take seconds more; tests/test_migrations.py checks that the two agree.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import redis

from bench import netns
from bench.burst import FULL_WORDING, SIGN_UP_LIMIT, run_burst
from bench.run import app_for
from bench.two_servers import LIMITS_STORE, check_burst, site_env, two_server_site
from nclw.extensions import db
from tests.deploy.nginx import nginx_binary
from tests.e2e.signup_storm import add_open_event
from tests.support.ci import unavailable
from tests.support.postgres import require_server, throwaway_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CAPACITY = 20
PEOPLE = 60
SAME_ADDRESS = 40


def _require_parts() -> None:
    if nginx_binary() is None:
        unavailable("nginx is not installed (apt-get install nginx): two servers untested")
    require_server()
    try:
        redis.Redis.from_url(LIMITS_STORE, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not running at {LIMITS_STORE} ({error}): no shared limits")


def _can_add_network_hosts() -> bool:
    if netns.available() is not None:
        return False
    probe = f"nclw-probe-{os.getpid()}"
    added = subprocess.run(["ip", "netns", "add", probe], capture_output=True, check=False)
    subprocess.run(["ip", "netns", "delete", probe], capture_output=True, check=False)
    return added.returncode == 0


def _schema(url: str, folder: Path) -> None:
    app = app_for(url, folder)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def test_two_servers_share_the_places_the_limits_and_the_mail(tmp_path: Path):
    _require_parts()
    with throwaway_database() as url:
        env = site_env(url, tmp_path)
        _schema(url, tmp_path)
        slug = add_open_event(env, capacity=CAPACITY)
        roomy = add_open_event(env, capacity=SAME_ADDRESS * 2)
        with two_server_site(
            env, tmp_path, workers=2, connections=512, separate_hosts=True
        ) as site:
            burst = run_burst(site.nginx.url, slug, PEOPLE, concurrency=20)
            found = check_burst(site, slug, roomy, burst)
            logs = "\n".join(server.log() for server in site.servers)
            hosts = site.hosts

    # Where the machine lets us add network hosts, the servers ran on them, not on loopback.
    if _can_add_network_hosts():
        assert hosts and len({server.split(":")[1] for server in found["places_shown"]}) == 2

    # Everyone was answered by the app ("Check your email"), through nginx, without a 5xx.
    assert found["burst"]["form_statuses"] == {200: PEOPLE}
    assert found["burst"]["statuses"] == {200: PEOPLE}, logs
    assert found["burst"]["server_errors"] == 0
    # Two masters, four workers, one event: exactly its places, the rest waiting.
    assert found["tickets"] == {
        "capacity": CAPACITY,
        "confirmed": CAPACITY,
        "waiting": PEOPLE - CAPACITY,
        "confirmed_count": CAPACITY,
    }
    # Each server, asked straight away, shows the event full on the week and on its page.
    assert len(found["places_shown"]) == 2
    for shown in found["places_shown"].values():
        assert shown == {"week": FULL_WORDING, "event": FULL_WORDING}
    # One address's sign-ups, sent to each server in turn, meet one limit counted for both
    # (counted apart, each server would have taken its 20).
    rate = found["rate_limit"]
    assert (rate["accepted"], rate["refused"], rate["other"]) == (
        SIGN_UP_LIMIT,
        SAME_ADDRESS - SIGN_UP_LIMIT,
        0,
    )
    assert all(statuses.get(429) for statuses in rate["per_server"].values())
    # Every email queued went out once, between the two senders, and none twice.
    mail = found["mail"]
    assert mail["queued"] == PEOPLE + SIGN_UP_LIMIT
    assert mail["received"] == mail["queued"]
    assert (mail["sent_twice"], mail["never_received"], mail["unexpected"]) == (0, 0, 0)
    assert sum(mail["sent_by_sender"]) == mail["queued"]
    assert found["outbox"] == {"sent": mail["queued"]}
    assert "Traceback" not in logs
