"""Public pages of the week and its events."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from nclw.events import cache, services
from nclw.events.models import Audience, EventFormat
from nclw.mail import ical
from nclw.timezones import utcnow

bp = Blueprint("events", __name__)


@bp.get("/")
def week():
    """Show the current or next week, its events grouped by day."""
    now = utcnow()
    edition = services.current_edition(today=now.date())
    return _render_week(edition, now)


@bp.get("/weeks/<int:year>")
def past_week(year: int):
    """Show the week held in a given year."""
    edition = services.edition_for_year(year)
    if edition is None:
        abort(404)
    return _render_week(edition, utcnow())


def _render_week(edition, now):
    filters = services.WeekFilters.from_args(request.args)
    if edition is None or not cache.page_is_shared():
        return _week_html(edition, filters, now)
    # Render once, reuse until something on the page changes (see nclw/events/cache.py).
    return cache.week_pages().get_or_render(
        (edition.id, filters),
        cache.week_stamp(edition, now=now),
        lambda: _week_html(edition, filters, now),
    )


def _week_html(edition, filters, now) -> str:
    events = services.published_events(edition, filters) if edition else []
    return render_template(
        "events/week.html",
        edition=edition,
        days=services.group_by_day(events),
        filters=filters,
        formats=list(EventFormat),
        audiences=list(Audience),
        availability=lambda event: services.availability(event, now=now),
    )


@bp.get("/events/<slug>")
def detail(slug: str):
    """Show one event and how to sign up."""
    event = services.get_public_event(slug)
    if event is None:
        abort(404)
    from nclw.registrations.services import sign_up_closed_reason

    now = utcnow()
    return render_template(
        "events/detail.html",
        event=event,
        closed_reason=sign_up_closed_reason(event, now=now),
        availability=services.availability(event, now=now),
        calendar_links=ical.web_calendar_links(event),
    )


@bp.get("/events/<slug>.ics")
def event_calendar(slug: str):
    """Download one event as a calendar file."""
    event = services.get_public_event(slug)
    if event is None:
        abort(404)
    return _calendar_response(ical.public_calendar([event]), f"{slug}.ics")


@bp.get("/week.ics")
def week_calendar():
    """Subscribe to every published event of the week."""
    edition = services.current_edition(today=utcnow().date())
    events = services.published_events(edition) if edition else []
    return _calendar_response(ical.public_calendar(events), "nclw-week.ics")


def _calendar_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
