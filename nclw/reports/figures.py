"""How each figure in a report is counted: the rules, written once, with no database.

A report reads one row per ticket (`TicketFacts`) and a few facts about its event
(`EventFacts`); everything else is arithmetic here, so the rules can be tested without a
request or a database, and the page, the chart and the CSV all say the same thing.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from nclw.events.details import access_list
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import _date as date_words
from nclw.timezones import to_uk, uk_datetime

# Access needs are health information. A report is read by more people, and kept longer, than
# the planning numbers on an event's page, and it puts needs next to attendance: "1 person
# who asked for a BSL interpreter did not come" can name someone at a small event. So any
# access-needs count from 1 to 2 is shown as "fewer than 3", and a share is not shown when
# it would give such a count away.
SMALL_COUNT = 3

# Sign-ups over a longer stretch than this are counted per week, so the chart stays readable.
MOST_DAYS_IN_A_CHART = 21


class CancelledBy(enum.StrEnum):
    """Who ended a ticket or waiting-list place."""

    PERSON = "person"
    ORGANISERS = "organisers"
    EVENT = "event"


@dataclass(frozen=True)
class TicketFacts:
    """What a report reads from one registration: no name, email or reference."""

    status: RegistrationStatus
    created_at: datetime
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    # The organisers give a reason when they cancel someone's ticket; a person gives none.
    organisers_cancelled: bool = False
    checked_in: bool = False
    no_show: bool = False
    access_requests: str = ""
    details_removed: bool = False


@dataclass(frozen=True)
class EventFacts:
    """What a report needs to know about the event itself."""

    has_started: bool
    # When the event was cancelled (every live ticket went at that moment), or None.
    cancelled_at: datetime | None = None
    # The listed access needs it offers (events.details.AccessFeature values).
    offers: frozenset[str] = frozenset()


def was_promoted(ticket: TicketFacts) -> bool:
    """The ticket was confirmed after the person signed up: they waited for a place first.

    A sign-up that gets a place at once is confirmed in the same moment it is made (both
    times are the same `now`), so a later confirmation can only be a promotion, whatever
    happened to the ticket afterwards.
    """
    return ticket.confirmed_at is not None and ticket.confirmed_at > ticket.created_at


def cancelled_by(ticket: TicketFacts, event: EventFacts) -> CancelledBy | None:
    """Who cancelled: the organisers (they always give a reason), the event being cancelled
    (every live ticket goes in that moment), or else the person; None if not cancelled."""
    if ticket.status != RegistrationStatus.CANCELLED:
        return None
    if ticket.organisers_cancelled:
        return CancelledBy.ORGANISERS
    if (
        event.cancelled_at is not None
        and ticket.cancelled_at is not None
        and ticket.cancelled_at >= event.cancelled_at
    ):
        return CancelledBy.EVENT
    return CancelledBy.PERSON


@dataclass(frozen=True)
class Figures:
    """The counts of one event, or the sum over several. Rates come from the counts."""

    sign_ups: int = 0
    confirmed: int = 0
    waiting: int = 0
    # An offer from the waiting list not yet claimed: it holds a place, but is not a ticket.
    offered: int = 0
    promoted: int = 0
    cancelled_by_person: int = 0
    cancelled_by_organisers: int = 0
    cancelled_with_event: int = 0
    checked_in: int = 0
    no_shows: int = 0
    not_recorded: int = 0
    still_to_come: int = 0
    access_asked: int = 0
    access_met: int = 0
    details_removed: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def cancelled(self) -> int:
        return self.cancelled_by_person + self.cancelled_by_organisers + self.cancelled_with_event

    @property
    def no_show_rate(self) -> int | None:
        """No-shows as a whole percentage of the people whose attendance was recorded."""
        return percent(self.no_shows, self.checked_in + self.no_shows)

    @property
    def access_met_rate(self) -> int | None:
        """Access needs met as a percentage of those who asked; None where it could identify."""
        parts = (self.access_asked, self.access_met, self.access_asked - self.access_met)
        if any(0 < part < SMALL_COUNT for part in parts):
            return None
        return percent(self.access_met, self.access_asked)


def percent(part: int, whole: int) -> int | None:
    """`part` as a whole percentage of `whole`; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return round(100 * part / whole)


def access_count(count: int) -> str:
    """An access-needs count as a report may show it (see SMALL_COUNT)."""
    if 0 < count < SMALL_COUNT:
        return _("fewer than %(num)d", num=SMALL_COUNT)
    return str(count)


_CANCELLED_FIGURE = {
    CancelledBy.PERSON: "cancelled_by_person",
    CancelledBy.ORGANISERS: "cancelled_by_organisers",
    CancelledBy.EVENT: "cancelled_with_event",
}


def count_event(tickets: Iterable[TicketFacts], event: EventFacts) -> Figures:
    """Every figure of one event, from its tickets."""
    counts: Counter[str] = Counter()
    for ticket in tickets:
        counts["sign_ups"] += 1
        counts["promoted"] += was_promoted(ticket)
        # Whoever came counts as come, even if the ticket was cancelled afterwards.
        counts["checked_in"] += ticket.checked_in
        by = cancelled_by(ticket, event)
        if by is not None:
            counts[_CANCELLED_FIGURE[by]] += 1
            continue
        if ticket.status == RegistrationStatus.WAITING:
            counts["waiting"] += 1
            continue
        if ticket.status == RegistrationStatus.OFFERED:
            counts["offered"] += 1
            continue
        counts["confirmed"] += 1
        # Marking a no-show is only possible on a confirmed ticket that did not check in.
        counts["no_shows"] += ticket.no_show
        if not event.has_started:
            counts["still_to_come"] += 1
        elif not (ticket.checked_in or ticket.no_show):
            counts["not_recorded"] += 1
        if ticket.details_removed:
            # Removing details clears the needs too: they can no longer be counted.
            counts["details_removed"] += 1
            continue
        asked = {feature.value for feature in access_list(ticket.access_requests)}
        if asked:
            counts["access_asked"] += 1
            counts["access_met"] += ticket.checked_in and asked <= event.offers
    return Figures(**counts)


@dataclass(frozen=True)
class Period:
    """Sign-ups in one day or one week."""

    label: str  # short, under a bar: "5 Oct"
    long_label: str  # in the table: "Monday 5 October 2026" or "Week from 5 October 2026"
    count: int
    weekly: bool = False  # a week's sign-ups, not a day's


def count_by_uk_day(moments: Iterable[datetime]) -> Counter[date]:
    """How many of the moments fall on each day of the UK calendar."""
    return Counter(to_uk(moment).date() for moment in moments)


def _short_day(day: date) -> str:
    """'5 Oct', under a bar (in the page's language)."""
    return date_words(uk_datetime(day, 12), f"{day.day} {day:%b}", "d MMM")


def _long_day(day: date) -> str:
    """'Monday 5 October 2026', in a table (in the page's language)."""
    return date_words(uk_datetime(day, 12), f"{day:%A} {day.day} {day:%B %Y}", "EEEE d MMMM y")


def signups_over_time(moments: Iterable[datetime]) -> list[Period]:
    """Sign-ups per day from the first to the last, or per week (from Monday) over a longer
    stretch; days and weeks with none are shown too, so the gaps are honest."""
    per_day = count_by_uk_day(moments)
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    if (last - first).days < MOST_DAYS_IN_A_CHART:
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [Period(_short_day(day), _long_day(day), per_day[day]) for day in days]
    per_week: Counter[date] = Counter()
    for day, count in per_day.items():
        per_week[day - timedelta(days=day.weekday())] += count
    monday = first - timedelta(days=first.weekday())
    periods = []
    while monday <= last:
        periods.append(
            Period(
                _short_day(monday),
                _("Week from %(day)s", day=_long_day(monday)),
                per_week[monday],
                weekly=True,
            )
        )
        monday += timedelta(days=7)
    return periods
