"""WSGI middleware: answer cookie-less GETs of the week and of event pages from kept answers.

A request with no cookies is nobody signed in with no messages waiting, so the page it asks
for is the shared one. When the week is announced most visitors arrive like that, on the
week or on one event's page. After the page's stamp query (nclw/events/cache.py) such a
request is answered with the status, headers and body the full application produced for the
same page and stamp, without going through Flask.

A response is kept only if it was a plain 200 that set no cookie (so never a page holding a
form token: that is one reader's) and the view kept the same page in its own cache, having
checked what it showed. Anything else goes through the application as normal.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.wsgi import get_host

from nclw.events import cache
from nclw.events.filters import WeekFilters
from nclw.http_cache import not_modified
from nclw.i18n import DEFAULT, ENVIRON_LANGUAGE
from nclw.render_cache import RenderCache, page_variant
from nclw.request_log import id_from, log_request
from nclw.timezones import utcnow

_EVENT_PATH = re.compile(r"/events/([a-z0-9-]{1,120})")


@dataclass(frozen=True)
class Lookup:
    """Which kept answer a request may have, and how to ask whether the view kept its page."""

    endpoint: str
    key: Hashable
    stamp: Hashable

    def view_kept(self) -> bool:
        if self.endpoint == "events.week":
            return cache.week_pages().peek(self.key, self.stamp)
        return cache.event_page_kept(*self.key[1:], self.stamp)


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
        status, headers, body = kept
        # A reader whose copy has the kept ETag gets a 304 with the same cache headers.
        unchanged = not_modified(environ, headers)
        if unchanged is not None:
            status, headers, body = "304 Not Modified", unchanged, b""
        # Each answer has its own request id (the kept one was the first visitor's).
        request_id = id_from(environ.get("HTTP_X_REQUEST_ID"))
        start_response(
            status,
            [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            + [("X-Request-ID", request_id)],
        )
        log_request(
            request_id=request_id,
            method="GET",
            endpoint=lookup.endpoint,
            status=int(status.split()[0]),
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
            filters = WeekFilters.from_args(MultiDict(parse_qsl(query, keep_blank_values=True)))
            stamp = cache.week_stamp(now=utcnow())
            if stamp is None:
                return None
            return Lookup("events.week", (stamp.edition_id, (filters, variant)), stamp.version)
        match = _EVENT_PATH.fullmatch(path)
        if match is None or query:
            return None
        slug = match.group(1)
        stamp = cache.event_stamp(slug=slug, now=utcnow(), parts=cache.event_page_parts())
        if stamp is None:
            return None
        return Lookup("events.detail", ("event", slug, variant), stamp)

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
        headers = captured.get("headers", [])
        shareable = (
            captured.get("status", "").startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
            and self._view_kept(lookup)
        )
        if shareable:
            self.responses.put(lookup.key, lookup.stamp, (captured["status"], tuple(headers), body))
        return [body]

    def _view_kept(self, lookup: Lookup) -> bool:
        with self.app.app_context():
            return lookup.view_kept()


def shared_page_shortcut(app) -> SharedPageShortcut:
    """The app's shortcut for shared pages (other middleware may wrap it)."""
    return app.extensions["nclw_shared_page_shortcut"]
