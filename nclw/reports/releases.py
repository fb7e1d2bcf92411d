"""How the places given back at an event were given back, and how many found someone new.

A place someone gives back early can go to a person on the waiting list; a place nobody
gives back stays empty on the day. This counts, for one event, the places released by each
route (registrations.models.ReleaseRoute) and how many of them were taken again straight
from the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration, ReleaseRoute
from nclw.reports.sections import ReportSection

TAKEN_AGAIN_DEFINITION = _l(
    "A released place counts as taken again when someone on the waiting list was given it "
    "straight away."
)


@dataclass(frozen=True)
class ReleaseLine:
    """One route: how many places were released by it, and how many were taken again."""

    label: str
    released: int
    taken_again: int


def release_lines(event: Event) -> list[ReleaseLine]:
    """Every route, in a fixed order, with its counts for this event (zeros included)."""
    rows = db.session.execute(
        sa.select(
            Registration.released_via,
            sa.func.count(),
            sa.func.sum(sa.case((Registration.place_taken_again, 1), else_=0)),
        )
        .where(Registration.event_id == event.id, Registration.released_via.is_not(None))
        .group_by(Registration.released_via)
    ).all()
    counts = {ReleaseRoute(route): (released, taken or 0) for route, released, taken in rows}
    return [
        ReleaseLine(route.label, *counts.get(route, (0, 0)))
        for route in ReleaseRoute
        # A route no event can have used yet stays out until it is used.
        if route != ReleaseRoute.EXPIRED_OFFER or route in counts
    ]


def releases_section(event: Event) -> ReportSection:
    """The report's section on places given back, with its rows for the CSV."""
    lines = release_lines(event)
    total = ReleaseLine(
        _("All routes"),
        sum(line.released for line in lines),
        sum(line.taken_again for line in lines),
    )
    csv_rows = [
        (
            _("Places released: %(route)s", route=line.label),
            _(
                "%(released)s (%(taken)s taken again)",
                released=line.released,
                taken=line.taken_again,
            ),
        )
        for line in [*lines, total]
    ]
    return ReportSection(
        title=_("Places given back"),
        template="reports/_releases.html",
        data={"lines": lines, "total": total, "definition": TAKEN_AGAIN_DEFINITION},
        csv_rows=csv_rows,
    )
