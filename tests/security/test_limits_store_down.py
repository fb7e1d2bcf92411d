"""The rate limits' shared store (Redis) is down: nobody is refused because of it.

The store here is an address where nothing listens, so the shared Redis keeps running.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.models import Registration
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.factories import make_event
from tests.support.live_server import live_server
from tests.support.migrated import upgrade_to_heads
from tests.support.net import free_port


def _app_with_the_store_down(tmp_path):
    return make_test_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
    )


def test_a_sign_up_is_accepted_while_the_limits_store_is_down(tmp_path, caplog):
    app = _app_with_the_store_down(tmp_path)
    with app.app_context():
        slug = make_event(capacity=10).slug
        db.session.commit()
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.post(
            f"/events/{slug}/register", data={"first_name": "Sam", "email": "sam@example.com"}
        )
    assert response.status_code == 200
    assert "Check your email" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
        db.session.remove()
    assert "falling back to in-memory storage" in caplog.text


@pytest.mark.thorough  # eleven sign-ins, each a real password check
def test_the_limits_still_hold_in_this_process_while_the_store_is_down(tmp_path):
    app = _app_with_the_store_down(tmp_path)
    client = app.test_client()
    codes = [
        client.post("/sign-in", data={"email": f"p{n}@example.org", "password": "x"}).status_code
        for n in range(11)
    ]
    assert codes == [400] * 10 + [429]


@pytest.mark.slow  # starts gunicorn
def test_gunicorn_says_at_start_up_when_limits_are_per_process(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'limits.sqlite'}", tmp_path)
    upgrade_to_heads(env)
    shared = {**env, "RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    for settings, warned in (({**env, "RATELIMIT_ENABLED": "1"}, True), (shared, False)):
        with live_server(settings, workers=2) as server:
            log = server.log()
        assert ("the limits are per process" in log) is warned, log
