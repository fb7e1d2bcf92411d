"""The week page and event pages, rendered once and reused until something on them changes.

Each worker process keeps rendered pages (see nclw/render_cache.py), each stamped with a
version read in one or two cheap queries:

- **The week** (per edition, filters, address and language): an edit to an event
  (updated_at), a sign-up or cancellation (confirmed places), a capacity change, a new,
  moved or removed event, a change to the week's own text, and the clock passing the next
  moment at which some event's sign-up opens or closes or the event starts. A renamed host
  organisation does not touch its events; it shows within `MAX_AGE` seconds.
- **An event page** (per slug, address and language): every column of the event, its host's
  name, which of its moments (sign-up opens, closes, the start, the end) have passed, and
  the rows of the parts other domains add to the page (the public questions of the live
  Q&A), each read as a whole, so any change to what they show changes the stamp.

Workers share nothing: each asks the database for the stamp, so a sign-up handled by one
worker changes the page in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from nclw.events.models import PUBLIC_STATUSES
from nclw.render_cache import RenderCache, cached_page, page_cache
from nclw.stamp_reads import fetch_batch, fetch_rows

WEEK_PAGES = "week page"
EVENT_PAGES = "event page"
_EVENT_PAGE_PARTS = "nclw_event_page_parts"

# The edition is chosen as in events.services.current_edition (upcoming first, else the
# latest); `cached_week_page` keeps a page only when the two agree, so a change to that
# rule can never serve the wrong week.
_WEEK_SELECT = """
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
_WEEK_OF_NOW = _WEEK_SELECT.format(where=_CURRENT)
_WEEK_OF_YEAR = _WEEK_SELECT.format(where=_YEAR)

# A public event (as events.services.get_public_event finds it) with everything a page of it
# can show, and which of its moments have passed: the clock crossing one changes the stamp.
_PUBLIC = ", ".join(f"'{status.value}'" for status in PUBLIC_STATUSES)
_EVENT_SELECT = f"""
    SELECT ev.id, ev.*, org.name,
           ev.registration_opens_at > :now, ev.registration_closes_at > :now,
           ev.starts_at > :now, ev.ends_at > :now,
           ev.registration_opens_at, ev.registration_closes_at, ev.starts_at, ev.ends_at
    FROM events ev JOIN organisations org ON org.id = ev.host_id
    WHERE ev.slug = :slug AND ev.status IN ({_PUBLIC})
"""
_EVENT_ID = "(SELECT id FROM events WHERE slug = :slug)"


def _week_moments(results: list[list[tuple]]) -> tuple:
    # The next start, sign-up opening and closing after :now, the last three values.
    return results[0][0][-3:] if results[0] else ()


def _event_moments(results: list[list[tuple]]) -> tuple:
    # The event's four moments, the last four values, compared with :now before them.
    return results[0][0][-4:] if results[0] else ()


@dataclass(frozen=True)
class WeekStamp:
    """Which edition the page shows and a value that changes whenever the page would."""

    edition_id: int
    version: tuple


def week_pages() -> RenderCache:
    """This app's cache of week pages."""
    return page_cache(WEEK_PAGES)


def week_stamp(*, now: datetime, year: int | None = None) -> WeekStamp | None:
    """The stamp of the current week (or of `year`'s week); None when there is no such week."""
    if year is None:
        sql = _WEEK_OF_NOW
        params = {"now": now, "today": now.date()}
    else:
        sql = _WEEK_OF_YEAR
        params = {"now": now, "year": year}
    row = fetch_rows(sql, params, one=True, moments=_week_moments)
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


# --- event pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventPagePart:
    """Something another domain shows on event pages (the live Q&A's panel).

    `sql` selects, for `:event_id`, every value of its rows the page shows; the result is
    part of the page's stamp. `personal()` says, during a request, whether this reader sees
    it differently from everyone else (their own questions), so the page is not shared.
    """

    sql: str
    personal: Callable[[], bool]


def add_event_page_part(app: Flask, part: EventPagePart) -> None:
    """Add a part to event pages. Handed in by the domain that owns it when it is set up:
    events know nothing of the domains built on them."""
    app.extensions.setdefault(_EVENT_PAGE_PARTS, []).append(part)


def event_page_parts() -> list[str]:
    """The queries of the parts other domains add to an event page."""
    return [part.sql for part in current_app.extensions.get(_EVENT_PAGE_PARTS, [])]


def event_page_is_personal() -> bool:
    """Whether some part of the event page is this reader's own, during a request."""
    return any(part.personal() for part in current_app.extensions.get(_EVENT_PAGE_PARTS, []))


def event_stamp(*, slug: str, now: datetime, parts: Sequence[str] = ()) -> tuple | None:
    """A value that changes whenever a page of this public event would, with the rows of
    `parts` (queries taking `:event_id`); None when there is no such public event."""
    # Each part's `:event_id` is the event's, found again by its slug, so that all the
    # statements go together (one round trip on PostgreSQL).
    statements = [_EVENT_SELECT, *(sql.replace(":event_id", _EVENT_ID) for sql in parts)]
    event, *others = fetch_batch(statements, {"slug": slug, "now": now}, moments=_event_moments)
    if not event:
        return None
    return (tuple(event[0]), *(tuple(rows) for rows in others))


def cached_event_page(*, slug: str, now: datetime, variant: Hashable, render: Callable[[], str]):
    """The event page from the cache when nothing on it changed, else rendered and kept."""
    stamp = event_stamp(slug=slug, now=now, parts=event_page_parts())
    if stamp is None:
        return render()
    return cached_page(EVENT_PAGES, (slug, variant), stamp, render)
