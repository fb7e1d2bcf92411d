"""One invitation opened six times at once gives one account, and no error page, on gunicorn.

Real processes sharing a SQLite file: the race is between workers, so it needs its own
database and server rather than the shared test app.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.signup_storm import _sa_url, server_env
from tests.support.live_server import live_server
from tests.support.migrated import upgrade_to_heads

pytestmark = pytest.mark.slow

TRIES = 6
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def env(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    database = tmp_path / "invite.sqlite"
    environment = server_env(f"sqlite:///{database}", tmp_path)
    upgrade_to_heads(environment)
    return environment


def _invite(env: dict[str, str]) -> str:
    from nclw import create_app
    from nclw.accounts.invitations import invite_user
    from nclw.accounts.models import Role
    from nclw.extensions import db
    from nclw.timezones import utcnow
    from tests.factories import make_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _sa_url(env["DATABASE_URL"])})
    with app.app_context(), app.test_request_context():
        organiser = make_user(Role.ORGANISER, email="boss@example.org")
        raw = invite_user(
            "new@example.org", role=Role.ORGANISER, organisation=None, actor=organiser, now=utcnow()
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return raw


def _accept_at_once(url: str) -> list[int]:
    start = threading.Barrier(TRIES)
    statuses: list[int] = []

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def one() -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )
        with opener.open(url, timeout=60) as page:
            token = CSRF.search(page.read().decode())[1]
        form = {
            "csrf_token": token,
            "name": "New Organiser",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
        }
        start.wait(timeout=60)
        try:
            with opener.open(url, data=urllib.parse.urlencode(form).encode(), timeout=60) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=one) for _ in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_six_accepts_at_once_make_one_account_and_no_error_page(env):
    raw = _invite(env)
    with live_server(env, workers=4) as server:
        statuses = _accept_at_once(f"{server.url}/account/invite/{raw}")
        log = server.log()
    assert len(statuses) == TRIES, log
    assert statuses.count(302) == 1, (statuses, log)
    assert all(400 <= status < 500 for status in statuses if status != 302), (statuses, log)
    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        users = conn.execute(
            sa.text("SELECT count(*) FROM users WHERE email = 'new@example.org'")
        ).scalar_one()
    engine.dispose()
    assert users == 1
    assert "Traceback" not in log
