"""The week page's render cache: render once, reuse until something on it changes.

Each worker process keeps the rendered HTML of the week per (edition, filters), stamped with
a version read in one cheap aggregate query. Anything that changes what the page shows
changes the stamp: an edit to an event (updated_at), a sign-up or cancellation (confirmed
places), a capacity change, a new, moved or removed event, a change to the week's own text,
and the clock passing the next moment at which some event's sign-up opens or closes or the
event starts. Workers share nothing: each asks the database for the stamp, so a sign-up
handled by one worker changes the page in all of them. A renamed host organisation does
not touch its events; it shows within `MAX_AGE` seconds.

Only pages that look the same for everyone are shared: nobody signed in, no messages
waiting to be shown (see `page_is_shared`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import event
from werkzeug.datastructures import MultiDict
from werkzeug.wsgi import get_host

from nclw.events.filters import WeekFilters
from nclw.extensions import db
from nclw.http_cache import not_modified
from nclw.i18n import DEFAULT, ENVIRON_LANGUAGE
from nclw.metrics import count_cache_lookup
from nclw.request_log import id_from, log_request
from nclw.timezones import utcnow

MAX_AGE = 30.0
MAX_ENTRIES = 64


class RenderCache:
    """A small, thread-safe LRU of rendered pages, each valid for one version stamp."""

    def __init__(self, name: str, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE) -> None:
        self.name = name  # in the metrics: nclw_render_cache_lookups{cache=name}
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[Hashable, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: Hashable) -> Any:
        """The page kept for `key` if it was rendered at `stamp` recently enough, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] == stamp and time.monotonic() - entry[1] < self.max_age:
                self._entries.move_to_end(key)
                self.hits += 1
                count_cache_lookup(self.name, hit=True)
                return entry[2]
            self.misses += 1
            count_cache_lookup(self.name, hit=False)
            return None

    def peek(self, key: Hashable, stamp: Hashable) -> bool:
        """Whether a page is kept for `key` at `stamp` (without counting a hit or a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            return bool(entry and entry[0] == stamp)

    def put(self, key: Hashable, stamp: Hashable, html: Any) -> None:
        """Keep `html` for `key` at `stamp`, forgetting the least recently used page if full."""
        with self._lock:
            self._entries[key] = (stamp, time.monotonic(), html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_render(self, key: Hashable, stamp: Hashable, render: Callable[[], str]) -> str:
        """The cached HTML for `key` at `stamp`, else render it and keep it."""
        html = self.get(key, stamp)
        if html is None:
            html = render()
            self.put(key, stamp, html)
        return html

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()


def week_pages() -> RenderCache:
    """This app's cache of week pages (one per app, so test apps never share pages)."""
    from flask import current_app

    return current_app.extensions.setdefault("nclw_week_pages", RenderCache("week page"))


def week_shortcut(app) -> SharedPageShortcut:
    """The app's week-page shortcut (other middleware may wrap it)."""
    return app.extensions["nclw_week_shortcut"]


def page_is_shared() -> bool:
    """True when the page looks the same for everyone: nobody signed in, no messages waiting."""
    from flask import request, session
    from flask_login import current_user

    if not request.cookies:  # no session, no sign-in, no messages: skip loading them
        return True
    return not current_user.is_authenticated and "_flashes" not in session


def page_variant(filters: Hashable, host: str, scheme: str, root: str, language: str) -> tuple:
    """What, besides the data, a kept page depends on: the filters, the address asked for
    and the language.

    The address is part of it so that a request with a forged Host header can never leave a
    page for everyone else if a template ever builds an absolute link from it. The root
    ('/cy' or '') and the language are, so that a Welsh page is never served for English
    or the reverse, and a page guessed from Accept-Language never for one chosen in its
    address (their links differ).
    """
    return (filters, host.lower(), scheme, root, language)


# One plain SQL statement sent straight to the driver: on this hot path SQLAlchemy's
# statement and result machinery costs several times what the query itself does. The
# edition is chosen as in events.services.current_edition (upcoming first, else the
# latest); `cached_week_page` keeps a page only when the two agree, so a change to that
# rule can never serve the wrong week.
_STAMP_SELECT = """
    SELECT ed.id, ed.theme, ed.summary, ed.starts_on, ed.ends_on,
           count(ev.id), max(ev.updated_at),
           coalesce(sum(ev.confirmed_count), 0), coalesce(sum(ev.capacity), 0),
           count(ev.capacity), coalesce(sum(ev.host_id), 0), coalesce(sum(ev.sequence), 0),
           min(CASE WHEN ev.starts_at > :now THEN ev.starts_at END),
           min(CASE WHEN ev.registration_opens_at > :now THEN ev.registration_opens_at END),
           min(CASE WHEN ev.registration_closes_at > :now THEN ev.registration_closes_at END)
    FROM editions ed LEFT JOIN events ev ON ev.edition_id = ed.id
    WHERE {where}
    GROUP BY ed.id, ed.theme, ed.summary, ed.starts_on, ed.ends_on
"""
_CURRENT = """ed.id = coalesce(
        (SELECT id FROM editions WHERE ends_on >= :today ORDER BY starts_on LIMIT 1),
        (SELECT id FROM editions ORDER BY starts_on DESC LIMIT 1))"""
_YEAR = "ed.year = :year"


def _driver_sql(where: str, dialect: str) -> str:
    sql = _STAMP_SELECT.format(where=where)
    # sqlite3 takes :name itself; psycopg wants %(name)s.
    return sql if dialect == "sqlite" else re.sub(r":(\w+)", r"%(\1)s", sql)


def _driver_value(value, dialect: str):
    if dialect != "sqlite":
        return value
    # SQLite keeps datetimes as text in SQLAlchemy's format (naive UTC, see UTCDateTime).
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fetch_one_pooled(engine, sql: str, params: dict):
    # SQLite is in the process: a pooled connection costs nothing to check out.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, params)
        row = cursor.fetchone()
        cursor.close()
        connection.commit()
        return row
    finally:
        connection.close()


class StampConnection:
    """One autocommit connection per process, for the week stamp on PostgreSQL.

    A pooled connection would cost four round trips per week page (the pool's pre-ping,
    BEGIN, the query, COMMIT); this one costs one. It is opened on first use in each
    process (after gunicorn forks), reopened once if the server dropped it, and closed when
    the app's engine is disposed.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self._connection = None
        self._pid = None
        self._lock = threading.Lock()

    def fetch_one(self, sql: str, params: dict):
        errors = self.engine.dialect.loaded_dbapi
        with self._lock:
            for attempt in (1, 2):
                try:
                    with self._open().cursor() as cursor:
                        cursor.execute(sql, params)
                        return cursor.fetchone()
                except (errors.OperationalError, errors.InterfaceError):
                    self._close()  # a restart or a dropped connection: try a fresh one
                    if attempt == 2:
                        raise
        return None  # not reached

    def _open(self):
        if self._connection is not None and self._pid != os.getpid():
            self._connection = None  # opened before a fork: the parent's, not ours to use
        if self._connection is None or self._connection.closed:
            dialect = self.engine.dialect
            cargs, cparams = dialect.create_connect_args(self.engine.url)
            self._connection = dialect.loaded_dbapi.connect(*cargs, **cparams, autocommit=True)
            self._pid = os.getpid()
        return self._connection

    def _close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def close(self) -> None:
        """Close this process's connection (the engine is being disposed)."""
        with self._lock:
            self._close()


def _stamp_connection(engine) -> StampConnection:
    from flask import current_app

    stamp_connection = current_app.extensions.get("nclw_stamp_connection")
    if stamp_connection is None or stamp_connection.engine is not engine:
        stamp_connection = StampConnection(engine)
        current_app.extensions["nclw_stamp_connection"] = stamp_connection
        event.listen(engine, "engine_disposed", lambda _engine: stamp_connection.close())
    return stamp_connection


@dataclass(frozen=True)
class WeekStamp:
    """Which edition the page shows and a value that changes whenever the page would."""

    edition_id: int
    version: tuple


def week_stamp(*, now: datetime, year: int | None = None) -> WeekStamp | None:
    """The stamp of the current week (or of `year`'s week); None when there is no such week."""
    dialect = db.engine.dialect.name
    if year is None:
        sql = _driver_sql(_CURRENT, dialect)
        params = {"now": now, "today": now.date()}
    else:
        sql = _driver_sql(_YEAR, dialect)
        params = {"now": now, "year": year}
    params = {name: _driver_value(value, dialect) for name, value in params.items()}
    if dialect == "postgresql":
        row = _stamp_connection(db.engine).fetch_one(sql, params)
    else:
        row = _fetch_one_pooled(db.engine, sql, params)
    if row is None:
        return None
    return WeekStamp(edition_id=row[0], version=tuple(row))


def cached_week_page(
    *, now: datetime, year: int | None, filters: Hashable, render: Callable[[], tuple[str, int]]
) -> str:
    """The week page from the cache when nothing on it changed, else rendered and kept.

    `render` returns the HTML and the id of the edition it showed.
    """
    stamp = week_stamp(now=now, year=year)
    if stamp is None:
        return render()[0]
    pages = week_pages()
    key = (stamp.edition_id, filters)
    html = pages.get(key, stamp.version)
    if html is None:
        html, shown_edition_id = render()
        if shown_edition_id == stamp.edition_id:
            pages.put(key, stamp.version, html)
    return html


class SharedPageShortcut:
    """WSGI middleware: answer a cookie-less GET of the week page from the render cache.

    A request with no cookies is nobody signed in with no messages waiting, so its week
    page is the shared one. After one stamp query such a request is answered with the
    status, headers and body the full application produced for the same page and stamp,
    without going through Flask (the hot path when a week is announced: most visitors
    arrive with no cookies). A response is kept only if it was a plain 200 that set no
    cookie and the view kept the same page in its own cache, having checked that it showed
    the week the stamp describes. Anything else goes through the application as normal.
    """

    PATH = "/"
    ENDPOINT = "events.week"

    def __init__(self, wsgi_app, app) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.responses = RenderCache("week page response")
        app.extensions["nclw_week_shortcut"] = self

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") != self.PATH
            or "HTTP_COOKIE" in environ
            or "HTTP_AUTHORIZATION" in environ
        ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        with self.app.app_context():
            key, stamp = self._key_and_stamp(environ)
        if stamp is None:
            return self.wsgi_app(environ, start_response)
        kept = self.responses.get(key, stamp.version)
        if kept is not None:
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
                endpoint=self.ENDPOINT,
                status=int(status.split()[0]),
                seconds=time.perf_counter() - started,
            )
            return [body]
        return self._through_app(environ, start_response, key, stamp)

    def _key_and_stamp(self, environ) -> tuple[Hashable, WeekStamp | None]:
        query = environ.get("QUERY_STRING", "")
        filters = WeekFilters.from_args(MultiDict(parse_qsl(query, keep_blank_values=True)))
        variant = page_variant(
            filters,
            get_host(environ),
            environ.get("wsgi.url_scheme", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get(ENVIRON_LANGUAGE, DEFAULT),
        )
        stamp = week_stamp(now=utcnow())
        return (None if stamp is None else (stamp.edition_id, variant)), stamp

    def _through_app(self, environ, start_response, key, stamp: WeekStamp):
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
            and self._view_kept(key, stamp)
        )
        if shareable:
            self.responses.put(key, stamp.version, (captured["status"], tuple(headers), body))
        return [body]

    def _view_kept(self, key, stamp: WeekStamp) -> bool:
        with self.app.app_context():
            return week_pages().peek(key, stamp.version)
