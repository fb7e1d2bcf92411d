"""What each figure is called, how it reads, and how it is counted, in plain words.

The page's table, its charts and the CSV all take their words from here, so a figure is
never called one thing on the page and another in the download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.reports.figures import SMALL_COUNT, Figures, access_count


@dataclass(frozen=True)
class FigureLine:
    """One figure as a report shows it."""

    label: str
    value: str
    definition: str


def _count(name: str) -> Callable[[Figures], str]:
    return lambda figures: str(getattr(figures, name))


def _access(name: str) -> Callable[[Figures], str]:
    return lambda figures: access_count(getattr(figures, name))


def _no_show_rate(figures: Figures) -> str:
    rate = figures.no_show_rate
    return _("No attendance recorded yet") if rate is None else f"{rate}%"


def _access_rate(figures: Figures) -> str:
    if not figures.access_asked:
        return _("No one asked")
    rate = figures.access_met_rate
    return _("Not shown: the numbers are too small") if rate is None else f"{rate}%"


# (label, how it reads, how it is counted), in the order a report shows them.
_FIGURES: list[tuple[str, Callable[[Figures], str], str]] = [
    (
        _l("Sign-ups"),
        _count("sign_ups"),
        _l(
            "Every sign-up, whether it got a place or joined the waiting list. Someone who "
            "cancels and signs up again counts twice."
        ),
    ),
    (_l("Holding a ticket"), _count("confirmed"), _l("Confirmed tickets that are not cancelled.")),
    (_l("Still on the waiting list"), _count("waiting"), _l("Waiting for a place now.")),
    (
        _l("Offered a place, not yet claimed"),
        _count("offered"),
        _l("Offered a freed place, with a deadline to claim it. The place is held for them."),
    ),
    (
        _l("Given a place from the waiting list"),
        _count("promoted"),
        _l("Sign-ups that waited and were then given a place, even if they cancelled later."),
    ),
    (_l("Cancelled, in all"), _count("cancelled"), _l("The three kinds of cancelling below.")),
    (
        _l("Cancelled by the person"),
        _count("cancelled_by_person"),
        _l("They cancelled their own ticket or waiting-list place, or deleted their details."),
    ),
    (
        _l("Cancelled by the organisers"),
        _count("cancelled_by_organisers"),
        _l("An organiser cancelled the ticket and told the person why."),
    ),
    (
        _l("Cancelled because the event was cancelled"),
        _count("cancelled_with_event"),
        _l("Tickets and places that were still live when the whole event was cancelled."),
    ),
    (
        _l("Checked in"),
        _count("checked_in"),
        _l("Checked in at the door. We count them as having come."),
    ),
    (_l("No-shows"), _count("no_shows"), _l("Marked by the organisers as not having come.")),
    (
        _l("Attendance not recorded"),
        _count("not_recorded"),
        _l(
            "Held a ticket for an event that has started, but were neither checked in nor marked "
            "as a no-show."
        ),
    ),
    (
        _l("No-show rate"),
        _no_show_rate,
        _l(
            "No-shows out of everyone checked in or marked as a no-show: of the people whose "
            "attendance was recorded, the share who did not come."
        ),
    ),
    (
        _l("Asked for a listed access need"),
        _access("access_asked"),
        _l(
            "People holding a ticket who asked, when they signed up, for one or more needs from "
            "our list (such as step-free access or a BSL interpreter)."
        ),
    ),
    (
        _l("Access needs met"),
        _access("access_met"),
        _l(
            "Of those, the people who came (were checked in) to an event that offers everything "
            "they asked for. The site cannot see how the day went for them: this is the "
            "nearest we can count."
        ),
    ),
    (
        _l("Share with access needs met"),
        _access_rate,
        _l("Access needs met out of everyone who asked."),
    ),
]

ACCESS_NOTE = _l(
    "Access-needs counts from 1 to %(most)d show as \u201cfewer than %(least)d\u201d, and a "
    "share is left out when it would give such a count away: at a small event, a small "
    "number could tell you who someone is.",
    most=SMALL_COUNT - 1,
    least=SMALL_COUNT,
)

DETAILS_REMOVED_NOTE = _l(
    "People's details, their access needs with them, are removed some weeks after an event. "
    "Tickets whose details are gone are not counted in the access-needs figures."
)

#: The notes every report page shows under its figures, by the names its template uses.
PAGE_NOTES = {"access_note": ACCESS_NOTE, "details_removed_note": DETAILS_REMOVED_NOTE}


def figure_lines(figures: Figures) -> list[FigureLine]:
    """Every figure with its value and definition, in the order reports show them."""
    return [
        FigureLine(str(label), value(figures), str(definition))
        for label, value, definition in _FIGURES
    ]


def figure_labels() -> list[str]:
    """The figures' names, as the CSV's column headings."""
    return [str(label) for label, _value, _definition in _FIGURES]


def outcomes(figures: Figures, *, has_started: bool) -> list[tuple[str, int]]:
    """What became of the sign-ups, one bar each: the chart of a report, and its table."""
    attendance = []
    if has_started:
        attendance = [
            (_("Checked in"), figures.checked_in),
            (_("No-show"), figures.no_shows),
            (_("Attendance not recorded"), figures.not_recorded),
        ]
    if figures.still_to_come or not has_started:
        attendance.append((_("Ticket for an event still to come"), figures.still_to_come))
    return [
        *attendance,
        (_("Still on the waiting list"), figures.waiting),
        (_("Offered a place, not yet claimed"), figures.offered),
        (_("Cancelled by the person"), figures.cancelled_by_person),
        (_("Cancelled by the organisers"), figures.cancelled_by_organisers),
        (_("Cancelled with the event"), figures.cancelled_with_event),
    ]
