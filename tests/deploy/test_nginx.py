"""deploy/nginx.conf: it loads, and in front of the real app it keeps only what it may."""

from __future__ import annotations

import http.client
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.deploy.nginx import check_config, nginx_binary, nginx_in_front, render_main, render_site
from tests.e2e.signup_storm import prepare_database, server_env
from tests.support.ci import unavailable
from tests.support.database import sqlite_url
from tests.support.live_server import PROJECT_ROOT, LiveServer, live_server


@pytest.fixture(scope="module")
def nginx() -> str:
    binary = nginx_binary()
    if binary is None:
        unavailable("nginx is not installed (apt-get install nginx): deploy/nginx.conf untested")
    return binary


def test_the_config_loads(nginx: str, tmp_path: Path):
    """`nginx -t` accepts the file as shipped, paths and ports aside."""
    main = render_main(tmp_path, render_site(tmp_path, port=8080, app_port=8000))
    checked = check_config(nginx, main)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


@dataclass
class Site:
    url: str
    app: LiveServer
    slug: str
    access_log: Path

    def ask(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: str | None = None,
        source: str = "127.0.0.1",
    ) -> Answer:
        """One request to nginx from the loopback address `source`, on a fresh connection."""
        where = urlsplit(self.url)
        conn = http.client.HTTPConnection(
            where.hostname, where.port, timeout=10, source_address=(source, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()


@pytest.fixture(scope="module")
def site(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """nginx in front of gunicorn serving a database of its own with one open event.

    A database file of its own: gunicorn is another process and must see the event committed.
    One worker: the rate limits are counted in its memory, as one process would count them.
    """
    folder = tmp_path_factory.mktemp("nginx-site")
    env = server_env(sqlite_url(folder), folder)
    env.update(RATELIMIT_ENABLED="1", TRUSTED_PROXIES="1")
    slug = prepare_database(env, capacity=10)
    with (
        live_server(env, workers=1) as app,
        nginx_in_front(nginx, folder / "nginx", app.port) as url,
    ):
        yield Site(url, app, slug, folder / "nginx" / "access.log")


def week(label: str) -> str:
    """The week page, at an address no other test asks for (the cache keeps every address)."""
    return "/?" + urlencode({"check": f"{label}-{uuid.uuid4().hex[:8]}"})


def page_language(answer: Answer) -> str:
    found = re.search(rb'<html[^>]* lang="([^"]+)"', answer.body)
    assert found, answer.body[:200]
    return found.group(1).decode()


@pytest.mark.slow
def test_the_week_page_is_kept_for_the_next_visitor(site: Site):
    path = week("kept")
    first = site.ask(path)
    second = site.ask(path)
    assert first.status == second.status == 200
    assert first.cache == "MISS"
    assert second.cache == "HIT"
    assert second.body == first.body


@pytest.mark.slow
def test_a_visitor_with_a_cookie_is_never_given_a_kept_page(site: Site):
    path = week("cookie")
    assert site.ask(path).cache == "MISS"
    assert site.ask(path).cache == "HIT"
    with_cookie = {"Cookie": "session=someone"}
    for _ in range(2):
        answer = site.ask(path, headers=with_cookie)
        assert answer.status == 200
        assert answer.cache == "BYPASS"
    credentials = site.ask(path, headers={"Authorization": "Bearer x"})
    assert credentials.cache == "BYPASS"


@pytest.mark.slow
def test_a_post_always_reaches_the_app(site: Site):
    path = f"/events/{site.slug}/lost-ticket"
    answers = [site.ask(path, method="POST", body="") for _ in range(2)]
    # The app refuses a form without its token: its answer, not nginx's, each time.
    assert [answer.status for answer in answers] == [400, 400]
    assert all(answer.cache is None for answer in answers)
    log = site.app.log()
    for answer in answers:
        # nginx's own request id reached the app's log line.
        request_id = answer.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
        assert f"request id={request_id} method=POST route=registrations.lost_ticket" in log


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/admin/", "/cy/admin/", "/door/", "/tickets/not-a-token", "/account", "/healthz"]
)
def test_private_pages_are_never_kept(site: Site, path: str):
    answers = [site.ask(path) for _ in range(2)]
    assert [answer.cache for answer in answers] == ["BYPASS", "BYPASS"]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["", "/cy", "/ar", "/en"])
def test_static_files_come_from_nginx_with_a_long_lifetime(site: Site, prefix: str):
    answer = site.ask(f"{prefix}/static/css/site.css")
    assert answer.status == 200
    assert answer.body == (PROJECT_ROOT / "static" / "css" / "site.css").read_bytes()
    assert "X-Request-ID" not in answer.headers  # the app never saw it
    max_age = re.search(r"max-age=(\d+)", answer.headers["Cache-Control"])
    assert max_age and int(max_age.group(1)) >= 86400
    assert "public" in answer.headers["Cache-Control"]
    missing = site.ask(f"{prefix}/static/css/no-such-file.css")
    assert missing.status == 404
    assert "max-age" not in (missing.headers.get("Cache-Control") or "")


@pytest.mark.slow
def test_each_language_is_kept_apart(site: Site):
    path = week("language")
    english = {"Accept-Language": "en-GB,en;q=0.8"}
    welsh = {"Accept-Language": "cy"}
    assert site.ask(path, headers=english).cache == "MISS"
    assert site.ask(path, headers=welsh).cache == "MISS"
    kept_english = site.ask(path, headers=english)
    kept_welsh = site.ask(path, headers=welsh)
    assert (kept_english.cache, kept_welsh.cache) == ("HIT", "HIT")
    assert page_language(kept_english) == "en-GB"
    assert page_language(kept_welsh) == "cy"
    # /cy/ is a page of its own, Welsh whatever the browser asks for.
    cy_path = "/cy" + path
    assert site.ask(cy_path, headers=english).cache == "MISS"
    kept_cy = site.ask(cy_path, headers=english)
    assert kept_cy.cache == "HIT"
    assert page_language(kept_cy) == "cy"


def _asks_for_a_ticket_again(site: Site, source: str, headers: dict[str, str]) -> list[int]:
    """From `source`, open the lost-ticket form for a form token, then send it (without an
    address) six times; the statuses."""
    page = site.ask(f"/events/{site.slug}/lost-ticket", source=source, headers=headers)
    assert page.status == 200
    cookie = next(
        value.split(";", 1)[0]
        for value in page.headers.get_all("Set-Cookie")
        if value.startswith("session=")
    )
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    form = {**headers, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({"csrf_token": token, "email": ""})
    path = f"/events/{site.slug}/lost-ticket"
    return [
        site.ask(path, method="POST", body=body, headers=form, source=source).status
        for _ in range(6)
    ]


@pytest.mark.slow
def test_the_app_counts_each_visitor_by_their_own_address(site: Site):
    """X-Forwarded-For reaches the app: its rate limit ("5 per minute" to ask for a ticket
    again) counts each visitor apart, and a visitor cannot pose as another with the header."""
    assert _asks_for_a_ticket_again(site, "127.0.0.2", {}) == [400] * 5 + [429]
    posing = {"X-Forwarded-For": "127.0.0.2"}
    assert _asks_for_a_ticket_again(site, "127.0.0.3", posing) == [400] * 5 + [429]


@pytest.mark.slow
def test_the_access_log_names_the_apps_request_id_and_none_for_a_kept_page(site: Site):
    """A line for an answer from the app carries the id in the app's own line; one for a
    page from nginx's cache, which the app never saw, carries none."""
    path = week("logged")
    made, kept = site.ask(path), site.ask(path)
    assert (made.cache, kept.cache) == ("MISS", "HIT")
    request_id = made.headers["X-Request-ID"]
    assert f"request id={request_id} method=GET route=events.week" in site.app.log()
    # nginx writes its log at least once a second (deploy/nginx.conf).
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in site.access_log.read_text().splitlines() if "GET" in line]
        if (
            len(lines) >= 2
            and any("cache=HIT" in line for line in lines)
            or (time.monotonic() > deadline)
        ):
            break
        time.sleep(0.2)
    assert any(f"id={request_id} " in line and "cache=MISS" in line for line in lines), lines
    hits = [line for line in lines if "cache=HIT" in line]
    assert hits and all(" id=- " in line for line in hits), hits
