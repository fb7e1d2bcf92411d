"""Render once, reuse until something on the page changes: the parts every kept page shares.

A kept page is stored with a version stamp read from the database in one or two cheap
queries sent straight to the driver. Anything that changes what the page shows changes
the stamp, so a change made by one worker shows in every worker: they share nothing but
the database. `MAX_AGE` bounds how long a page is kept even when its stamp is unchanged,
for the few things a stamp does not read (a host organisation's new name on the week).

Only pages that look the same for everyone are kept (`page_is_shared`). A page with a
form keeps a placeholder where the form token was; each reader gets their own token put
in at the last step (`keep_form_token`, `fill_form_token`), so one person's token never
reaches another. Anything else of the reader's own (the address they signed up with) is
rendered as a `placeholder` and put in the same way.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from nclw.i18n import request_language
from nclw.metrics import count_cache_lookup

MAX_AGE = 30.0
MAX_ENTRIES = 64
_CACHES = "nclw_render_caches"
# Stands in a kept page for the form token of whoever reads it; never a real token's shape.
FORM_TOKEN_PLACEHOLDER = "\x00nclw-form-token\x00"


def placeholder(name: str) -> str:
    """What stands in a kept page for a reader's own `name`. No value a reader sends can hold
    it: control characters are dropped from every form before a view sees it (see
    nclw.security), and escaping leaves a NUL as it is."""
    return f"\x00nclw-{name}\x00"


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

    def kept(self, key: Hashable, stamp: Hashable) -> Any:
        """The page kept for `key` at `stamp`, else None (without counting a hit or a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            return entry[2] if entry and entry[0] == stamp else None

    def put(self, key: Hashable, stamp: Hashable, html: Any) -> None:
        """Keep `html` for `key` at `stamp`, forgetting the least recently used page if full."""
        with self._lock:
            self._entries[key] = (stamp, time.monotonic(), html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_render(self, key: Hashable, stamp: Hashable, render: Callable[[], Any]) -> Any:
        """The cached page for `key` at `stamp`, else render it and keep it."""
        page = self.get(key, stamp)
        if page is None:
            page = render()
            self.put(key, stamp, page)
        return page

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()


def page_cache(name: str, app: Flask | None = None) -> RenderCache:
    """The app's cache of one kind of page (one per app, so test apps never share pages)."""
    caches = (app or current_app).extensions.setdefault(_CACHES, {})
    if name not in caches:
        caches[name] = RenderCache(name)
    return caches[name]


def forget_pages(app: Flask) -> None:
    """Drop every kept page and its counters (a test starting afresh)."""
    for cache in app.extensions.get(_CACHES, {}).values():
        cache.clear()
    app.extensions[_CACHES] = {}


def page_is_shared() -> bool:
    """True when the page looks the same for everyone: nobody signed in, no messages waiting."""
    if not request.cookies:  # no session, no sign-in, no messages: skip loading them
        return True
    return not current_user.is_authenticated and "_flashes" not in session


def page_variant(host: str, scheme: str, root: str, language: str) -> tuple:
    """What, besides the data, a kept page depends on: the address asked for and the language.

    The address is part of it so that a request with a forged Host header can never leave a
    page for everyone else if a template ever builds an absolute link from it. The root
    ('/cy' or '') and the language are, so that a Welsh page is never served for English
    or the reverse, and a page guessed from Accept-Language never for one chosen in its
    address (their links differ).
    """
    return (host.lower(), scheme, root, language)


def request_variant() -> tuple:
    """`page_variant` of the request being answered."""
    return page_variant(request.host, request.scheme, request.script_root, request_language())


# --- form tokens ---------------------------------------------------------------------------


def keep_form_token(html: str) -> str:
    """The page as it may be kept: this reader's form token, if it has one, swapped for a
    placeholder."""
    token = g.get("csrf_token")
    return html.replace(token, FORM_TOKEN_PLACEHOLDER) if token else html


def fill_form_token(html: str) -> str:
    """A kept page for this reader: their own form token where the placeholder is."""
    if FORM_TOKEN_PLACEHOLDER not in html:
        return html
    return html.replace(FORM_TOKEN_PLACEHOLDER, generate_csrf())


def cached_page(
    name: str,
    key: Hashable,
    stamp: Hashable,
    render: Callable[[], str],
    *,
    personal: Mapping[str, str] | None = None,
) -> str:
    """A page from the cache `name` when nothing on it changed, else rendered and kept.

    `personal` maps each `placeholder` the page is rendered with to this reader's value,
    escaped for HTML: the kept page holds the placeholders, the answer holds the values.
    """
    pages = page_cache(name)
    kept = pages.get(key, stamp)
    if kept is None:
        html = render()
        kept = keep_form_token(html)
        pages.put(key, stamp, kept)
        if not personal:
            return html
    html = fill_form_token(kept)
    for stand_in, value in (personal or {}).items():
        html = html.replace(stand_in, str(escape(value)))
    return html
