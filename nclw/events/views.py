"""Public pages of the week and its events."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request, url_for

from nclw.events import cache, details, feeds, services, slugs
from nclw.events.details import AccessFeature
from nclw.events.filters import asked_questions
from nclw.events.localised import in_language
from nclw.events.public_actions import calendar_offered
from nclw.events.shortcut import SharedPage, add_shared_page
from nclw.links import absolute_url
from nclw.mail import ical
from nclw.render_cache import page_is_shared, request_variant
from nclw.timezones import to_uk, utcnow
from nclw.web import attachment, or_404
from nclw.wording import week_dates

bp = Blueprint("events", __name__)
# Cookie-less visits to an event's page are answered from what its view kept.
bp.record_once(
    lambda state: add_shared_page(
        state.app,
        SharedPage(
            endpoint="events.detail",
            path=re.compile(rf"/events/({slugs.PATTERN})"),
            stamp=lambda slug, now: cache.event_stamp(
                slug=slug, now=now, parts=cache.event_page_parts()
            ),
            cache_name=cache.EVENT_PAGES,
        ),
    )
)
# Capacity in the same words on every page, public or back office: one place says them.
bp.add_app_template_filter(details.places_taken, "places_taken")
bp.add_app_template_filter(details.places_offered, "places_offered")
bp.add_app_template_global(week_dates, "week_dates")


@bp.get("/")
def week():
    """Show the current or next week, its events grouped by day."""
    now = utcnow()
    return _week_page(now, None, lambda: services.current_edition(today=now.date()))


@bp.get("/weeks/<int:year>")
def past_week(year: int):
    """Show the week held in a given year."""
    return _week_page(utcnow(), year, lambda: services.edition_for_year(year))


def _week_page(now, year, load_edition):
    filters = services.WeekFilters.from_args(request.args)

    def render():
        edition = load_edition()
        if edition is None and year is not None:
            abort(404)
        return _week_html(edition, filters, now), edition.id if edition else None

    if not page_is_shared():
        return render()[0]
    # Render once, reuse until something on the page changes (see nclw/events/cache.py).
    variant = (filters, request_variant())
    return cache.cached_week_page(now=now, year=year, filters=variant, render=render)


def _week_html(edition, filters, now) -> str:
    events = services.published_events(edition, filters) if edition else []
    today = to_uk(now).date()
    return render_template(
        "events/week.html",
        edition=edition,
        finished=edition is not None and services.week_has_finished(edition, today=today),
        earlier=services.earlier_weeks(today=today, shown=edition),
        days=services.group_by_day(events),
        filters=filters,
        questions=asked_questions(filters),
        access_features=list(AccessFeature),
        availability=lambda event: services.availability(event, now=now),
        calendar_feeds=[_subscription(feed) for feed in feeds.FEEDS],
    )


def _subscription(feed: feeds.CalendarFeed) -> dict[str, str]:
    # Every event stays at the address people subscribed to before there were others.
    if feed is feeds.EVERY_EVENT:
        download = url_for("events.week_calendar")
    else:
        download = url_for("events.feed_calendar", name=feed.name)
    return {
        "label": feed.label,
        "download": download,
        **ical.subscription_links(absolute_url(download)),
    }


@bp.get("/events/<slug>")
def detail(slug: str):
    """Show one event and how to sign up."""
    now = utcnow()

    def render() -> str:
        event = or_404(services.get_public_event(slug))
        return _detail_html(event, now)

    if not page_is_shared() or cache.event_page_is_personal():
        return render()
    # Render once, reuse until something on the page changes (see nclw/events/cache.py).
    return cache.cached_event_page(slug=slug, now=now, variant=request_variant(), render=render)


def _detail_html(event, now) -> str:
    return render_template(
        "events/detail.html",
        event=event,
        closed_reason=services.sign_up_closed_reason(event, now=now),
        availability=services.availability(event, now=now),
        calendar_links=(
            ical.web_calendar_links(in_language(event))
            if calendar_offered(event, now=now)
            else None
        ),
    )


@bp.get("/events/<slug>.ics")
def event_calendar(slug: str):
    """Download one event as a calendar file."""
    event = services.get_public_event(slug)
    if event is None or not calendar_offered(event, now=utcnow()):
        abort(404)
    # Stamped with the event's last change, not the clock: the same event is the same file,
    # so a calendar that has it gets a 304 (see nclw/http_cache.py).
    body = ical.public_calendar([in_language(event)], now=event.updated_at)
    response = _calendar_response(body, f"{slug}.ics")
    response.last_modified = event.updated_at
    return response


@bp.get("/week.ics")
def week_calendar():
    """Subscribe to every published event of the week."""
    return feed_calendar(feeds.EVERY_EVENT.name)


@bp.get("/week/<name>.ics")
def feed_calendar(name: str):
    """Subscribe to the week's events, all or one audience's; calendars fetch it hourly."""
    feed = or_404(feeds.feed_named(name))
    edition = services.current_edition(today=utcnow().date())
    events = feeds.feed_events(edition, feed)
    body = ical.subscription_calendar(
        [in_language(event) for event in events],
        name=feed.calendar_name,
        # The latest change, not the clock, so an unchanged feed is the same file (a 304).
        now=max((event.updated_at for event in events), default=None),
    )
    return _calendar_response(body, f"nclw-week-{feed.name}.ics")


def _calendar_response(body: bytes, filename: str) -> Response:
    return attachment(body, filename, "text/calendar")
