"""What each figure is called, how it reads, and how it is counted, in plain words.

The page's table, its charts and the CSV all take their words from here, so a figure is
never called one thing on the page and another in the download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    return "No attendance recorded yet" if rate is None else f"{rate}%"


def _access_rate(figures: Figures) -> str:
    if not figures.access_asked:
        return "No one asked"
    rate = figures.access_met_rate
    return "Not shown: the numbers are too small" if rate is None else f"{rate}%"


# (label, how it reads, how it is counted), in the order a report shows them.
_FIGURES: list[tuple[str, Callable[[Figures], str], str]] = [
    (
        "Sign-ups",
        _count("sign_ups"),
        "Every sign-up, whether it got a place or joined the waiting list. Someone who "
        "cancels and signs up again counts twice.",
    ),
    ("Holding a ticket", _count("confirmed"), "Confirmed tickets that are not cancelled."),
    ("Still on the waiting list", _count("waiting"), "Waiting for a place now."),
    (
        "Offered a place, not yet claimed",
        _count("offered"),
        "Offered a freed place, with a deadline to claim it. The place is held for them.",
    ),
    (
        "Given a place from the waiting list",
        _count("promoted"),
        "Sign-ups that waited and were then given a place, even if they cancelled later.",
    ),
    ("Cancelled, in all", _count("cancelled"), "The three kinds of cancelling below."),
    (
        "Cancelled by the person",
        _count("cancelled_by_person"),
        "They cancelled their own ticket or waiting-list place, or deleted their details.",
    ),
    (
        "Cancelled by the organisers",
        _count("cancelled_by_organisers"),
        "An organiser cancelled the ticket and told the person why.",
    ),
    (
        "Cancelled because the event was cancelled",
        _count("cancelled_with_event"),
        "Tickets and places that were still live when the whole event was cancelled.",
    ),
    (
        "Checked in",
        _count("checked_in"),
        "Checked in at the door. We count them as having come.",
    ),
    ("No-shows", _count("no_shows"), "Marked by the organisers as not having come."),
    (
        "Attendance not recorded",
        _count("not_recorded"),
        "Held a ticket for an event that has started, but were neither checked in nor marked "
        "as a no-show.",
    ),
    (
        "No-show rate",
        _no_show_rate,
        "No-shows out of everyone checked in or marked as a no-show: of the people whose "
        "attendance was recorded, the share who did not come.",
    ),
    (
        "Asked for a listed access need",
        _access("access_asked"),
        "People holding a ticket who asked, when they signed up, for one or more needs from "
        "our list (such as step-free access or a BSL interpreter).",
    ),
    (
        "Access needs met",
        _access("access_met"),
        "Of those, the people who came (were checked in) to an event that offers everything "
        "they asked for. The site cannot see how the day went for them: this is the "
        "nearest we can count.",
    ),
    (
        "Share with access needs met",
        _access_rate,
        "Access needs met out of everyone who asked.",
    ),
]

ACCESS_NOTE = (
    f"Access-needs counts from 1 to {SMALL_COUNT - 1} show as "
    f"\u201cfewer than {SMALL_COUNT}\u201d, and a share is left out when it would give such a "
    "count away: at a small event, a small number could tell you who someone is."
)

DETAILS_REMOVED_NOTE = (
    "People's details, their access needs with them, are removed some weeks after an event. "
    "Tickets whose details are gone are not counted in the access-needs figures."
)


def figure_lines(figures: Figures) -> list[FigureLine]:
    """Every figure with its value and definition, in the order reports show them."""
    return [FigureLine(label, value(figures), definition) for label, value, definition in _FIGURES]


def figure_labels() -> list[str]:
    """The figures' names, as the CSV's column headings."""
    return [label for label, _, _ in _FIGURES]


def outcomes(figures: Figures, *, has_started: bool) -> list[tuple[str, int]]:
    """What became of the sign-ups, one bar each: the chart of a report, and its table."""
    attendance = []
    if has_started:
        attendance = [
            ("Checked in", figures.checked_in),
            ("No-show", figures.no_shows),
            ("Attendance not recorded", figures.not_recorded),
        ]
    if figures.still_to_come or not has_started:
        attendance.append(("Ticket for an event still to come", figures.still_to_come))
    return [
        *attendance,
        ("Still on the waiting list", figures.waiting),
        ("Offered a place, not yet claimed", figures.offered),
        ("Cancelled by the person", figures.cancelled_by_person),
        ("Cancelled by the organisers", figures.cancelled_by_organisers),
        ("Cancelled with the event", figures.cancelled_with_event),
    ]
