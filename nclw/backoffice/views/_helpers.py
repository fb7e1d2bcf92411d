"""What the back-office screens share: loading rows, paging, the week shown.

The request idiom every screen uses is `nclw.web.run_service`.
"""

from __future__ import annotations

from typing import TypeVar

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from nclw.events import services as events
from nclw.events.models import Edition, Event
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.timezones import to_uk, utcnow
from nclw.web import query_int

R = TypeVar("R")


def load_event(event_id: int) -> Event:
    """The event, or 404."""
    return db.get_or_404(Event, event_id)


def load_registration(registration_id: int) -> Registration:
    """The registration, or 404."""
    return db.get_or_404(Registration, registration_id)


def page_number() -> int:
    """The `page` asked for in the query string; 1 if none or nonsense."""
    return max(query_int("page", 1) or 1, 1)


def choose_edition() -> Edition | None:
    """The week asked for with `?year=`, or else the current one."""
    year = query_int("year")
    if year:
        return events.edition_for_year(year)
    return events.current_edition(today=to_uk(utcnow()).date())


def back_to_attendees(registration: Registration) -> Response:
    """Back to the page the action was taken from, if it is ours; else the attendee list."""
    target = request.form.get("next") or ""
    # Only a plain path inside the back office: a crafted form can neither send anyone to
    # another site nor put a line break into the Location header.
    if (
        target.startswith("/admin/")
        and not target.startswith("//")
        and target.isprintable()
        and "\\" not in target
    ):
        return redirect(target)
    return redirect(url_for("backoffice.attendees", event_id=registration.event_id))
