"""The week page's render cache: render once, reuse until something on it changes.

Each worker process keeps the rendered HTML of the week per (edition, filters), stamped with
a version read in one cheap aggregate query. Anything that changes what the page shows
changes the stamp: an edit (updated_at), a sign-up (confirmed places), a capacity change, a
new, moved or removed event, and the clock passing the next moment at which some event's
sign-up opens, closes or its event starts. Workers need no shared memory: each one asks the
database for the stamp, so a sign-up in one worker invalidates the page in all of them.
Host names and the week's text are covered by the key or by the short `MAX_AGE` backstop.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

import sqlalchemy as sa

from nclw.events.models import Edition, Event
from nclw.extensions import db

# Organisation renames do not touch events; they show within this many seconds.
MAX_AGE = 30.0
MAX_ENTRIES = 64


class RenderCache:
    """A small, thread-safe LRU of rendered pages, each valid for one version stamp."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[Hashable, float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, stamp: Hashable, render: Callable[[], str]) -> str:
        """The cached HTML for `key` if rendered at `stamp` recently, else render and keep it."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] == stamp and now - entry[1] < self.max_age:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[2]
        html = render()
        with self._lock:
            self.misses += 1
            self._entries[key] = (stamp, now, html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return html

    def clear(self) -> None:
        """Forget every page (tests and the CLI)."""
        with self._lock:
            self._entries.clear()


def week_pages() -> RenderCache:
    """This app's cache of week pages (one per app, so test apps never share pages)."""
    from flask import current_app

    return current_app.extensions.setdefault("nclw_week_pages", RenderCache())


def _next(column, now: datetime):
    return sa.func.min(sa.case((column > now, column)))


def week_stamp(edition: Edition, *, now: datetime) -> tuple:
    """A value that changes whenever the week page of `edition` would render differently."""
    row = db.session.execute(
        sa.select(
            sa.func.count(Event.id),
            sa.func.max(Event.updated_at),
            sa.func.coalesce(sa.func.sum(Event.confirmed_count), 0),
            sa.func.coalesce(sa.func.sum(Event.capacity), 0),
            sa.func.count(Event.capacity),
            sa.func.coalesce(sa.func.sum(Event.host_id), 0),
            _next(Event.starts_at, now),
            _next(Event.registration_opens_at, now),
            _next(Event.registration_closes_at, now),
        ).where(Event.edition_id == edition.id)
    ).one()
    # The edition's own text is already loaded: no query needed to notice it changed.
    return (
        tuple(row),
        edition.theme,
        edition.summary,
        edition.starts_on,
        edition.ends_on,
    )


def page_is_shared() -> bool:
    """True when the page looks the same for everyone: nobody signed in, no messages waiting."""
    from flask import session
    from flask_login import current_user

    return not current_user.is_authenticated and "_flashes" not in session
