"""WSGI middleware: answer cookie-less GETs of the shared public pages from kept answers.

A request with no cookies is nobody signed in with no messages waiting, so the page it asks
for is the shared one. When the week is announced most visitors arrive like that: on the
week, on one event's page, then on its sign-up form. After the page's stamp query (see
nclw/events/cache.py) such a request is answered with the status, headers and body the full
application produced for the same page and stamp, without going through Flask's hooks.

A response is kept only if it was a plain 200 and the view kept the same page in its own
cache, having checked what it showed. A page without a form must also have set no cookie,
so a shared proxy may keep it too. A page with a form (the sign-up form) holds a token tied
to the reader's session: it is kept with the view's placeholder for the token, and each
reader gets a new session of their own and its token, made by Flask-WTF and Flask's session
interface exactly as the full application would. Anything else goes through the application.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from flask import Flask
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from werkzeug.wsgi import get_host

from nclw.events import cache
from nclw.events.filters import WeekFilters
from nclw.http_cache import KeptAnswer
from nclw.i18n import DEFAULT, ENVIRON_LANGUAGE
from nclw.render_cache import FORM_TOKEN_PLACEHOLDER, RenderCache, page_cache, page_variant
from nclw.request_log import id_from, log_request
from nclw.timezones import utcnow

_PAGES = "nclw_shared_pages"
# Headers made afresh for every answer from a kept one: the server adds its own Date, which
# the first visitor's would contradict.
_OWN_HEADERS = frozenset({"x-request-id", "date"})
# And for a page with a form, whose body and session are each reader's own.
_OWN_FORM_HEADERS = _OWN_HEADERS | {"set-cookie", "content-length"}
_STATUS_304 = "304 Not Modified"
_NO_FILTERS = WeekFilters()


@dataclass(frozen=True)
class SharedPage:
    """A public page, one per event, that the view renders once (see nclw/render_cache.py).

    `path` matches the address without its language prefix, the event's slug as its one
    group; `stamp(slug, now)` is the view's stamp; the view keeps the page in the render
    cache `cache_name` under (slug, variant). `form_token`: the page holds a form token.
    """

    endpoint: str
    path: re.Pattern
    stamp: Callable[[str, datetime], Hashable | None]
    cache_name: str
    form_token: bool = False


def add_shared_page(app: Flask, page: SharedPage) -> None:
    """Answer cookie-less visits to `page` from kept answers (each domain adds its own)."""
    app.extensions.setdefault(_PAGES, []).append(page)


@dataclass(frozen=True)
class Lookup:
    """Which kept answer a request may have, and where the view kept its page."""

    endpoint: str
    key: Hashable
    stamp: Hashable
    page: SharedPage | None = None  # None: the week

    def view_copy(self) -> str | None:
        """The view's own kept copy of the page at this stamp (the week's: whether it has
        one, as True), else None."""
        if self.page is None:
            return True if cache.week_pages().peek(self.key, self.stamp) else None
        return page_cache(self.page.cache_name).kept(self.key[1:], self.stamp)


class SharedPageShortcut:
    """Answer cookie-less GETs of the shared public pages without Flask (see the module)."""

    def __init__(self, wsgi_app, app) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.responses = RenderCache("shared page response")
        app.extensions["nclw_shared_page_shortcut"] = self

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or (path != "/" and not path.startswith("/events/"))
            or "HTTP_COOKIE" in environ
            or "HTTP_AUTHORIZATION" in environ
        ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        with self.app.app_context():
            lookup = self._lookup(environ, path)
        if lookup is None:
            return self.wsgi_app(environ, start_response)
        kept = self.responses.get(lookup.key, lookup.stamp)
        if kept is None:
            return self._through_app(environ, start_response, lookup)
        # A reader whose copy has the kept ETag gets a 304 with the same cache headers.
        if kept.unchanged_for(environ.get("HTTP_IF_NONE_MATCH")):
            status, headers, body = _STATUS_304, kept.not_modified_headers, b""
        elif lookup.page is not None and lookup.page.form_token:
            status = kept.status
            body, cookies = self._with_own_token(environ, kept.body)
            headers = [*kept.headers, *cookies, ("Content-Length", str(len(body)))]
        else:
            status, headers, body = kept.status, kept.headers, kept.body
        # Each answer has its own request id (the kept one was the first visitor's).
        request_id = id_from(environ.get("HTTP_X_REQUEST_ID"))
        start_response(status, [*headers, ("X-Request-ID", request_id)])
        log_request(
            request_id=request_id,
            method="GET",
            endpoint=lookup.endpoint,
            status=int(status[:3]),
            seconds=time.perf_counter() - started,
        )
        return [body]

    def _lookup(self, environ, path: str) -> Lookup | None:
        variant = page_variant(
            get_host(environ),
            environ.get("wsgi.url_scheme", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get(ENVIRON_LANGUAGE, DEFAULT),
        )
        query = environ.get("QUERY_STRING", "")
        if path == "/":
            # Most visitors follow a plain link: no query to parse.
            filters = (
                WeekFilters.from_args(MultiDict(parse_qsl(query, keep_blank_values=True)))
                if query
                else _NO_FILTERS
            )
            stamp = cache.week_stamp(now=utcnow())
            if stamp is None:
                return None
            return Lookup("events.week", (stamp.edition_id, (filters, variant)), stamp.version)
        if query:
            return None
        for page in self.app.extensions.get(_PAGES, []):
            match = page.path.fullmatch(path)
            if match is None:
                continue
            slug = match.group(1)
            stamp = page.stamp(slug, utcnow())
            if stamp is None:
                return None
            return Lookup(page.endpoint, (page.endpoint, slug, variant), stamp, page)
        return None

    def _through_app(self, environ, start_response, lookup: Lookup):
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if captured.get("status", "").startswith("200"):
            self._keep(lookup, captured["status"], captured.get("headers", []), body)
        return [body]

    def _keep(self, lookup: Lookup, status: str, headers: list, body: bytes) -> None:
        with self.app.app_context():
            copy = lookup.view_copy()
        if copy is None:
            return
        if lookup.page is not None and lookup.page.form_token:
            # The view's copy, with the placeholder where this reader's token was.
            kept = [
                (name, value) for name, value in headers if name.lower() not in _OWN_FORM_HEADERS
            ]
            self.responses.put(lookup.key, lookup.stamp, KeptAnswer(status, kept, copy.encode()))
        elif not any(name.lower() == "set-cookie" for name, _ in headers):
            kept = [(name, value) for name, value in headers if name.lower() not in _OWN_HEADERS]
            self.responses.put(lookup.key, lookup.stamp, KeptAnswer(status, kept, body))

    def _with_own_token(self, environ, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        """The kept page with a new reader's own form token, and the cookie of their new
        session: made by Flask-WTF and Flask's session interface, as the full app would."""
        app = self.app
        with app.request_context(environ) as context:
            token = generate_csrf()
            response = app.response_class()
            app.session_interface.save_session(app, context.session, response)
        cookies = [("Set-Cookie", value) for value in response.headers.getlist("Set-Cookie")]
        return body.replace(FORM_TOKEN_PLACEHOLDER.encode(), token.encode()), cookies


def shared_page_shortcut(app) -> SharedPageShortcut:
    """The app's shortcut for shared pages (other middleware may wrap it)."""
    return app.extensions["nclw_shared_page_shortcut"]
