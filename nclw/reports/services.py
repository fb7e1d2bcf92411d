"""Reports on an event, a week, or one host's events in a week: read, counted, described.

Reading is here; the rules for each figure are in `figures`, their words in `lines`. Who may
see which report is the caller's question: the back office shows organisers every report, the
partner area only its own organisation's (`partners.queries.get_own_event`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from nclw.audit.actions import AuditAction
from nclw.audit.models import AuditEntry
from nclw.events.models import Edition, Event, EventStatus, Organisation
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.reports import charts
from nclw.reports.figures import (
    EventFacts,
    Figures,
    Period,
    TicketFacts,
    count_event,
    signups_over_time,
)
from nclw.reports.lines import FigureLine, figure_lines, outcomes
from nclw.reports.releases import releases_section
from nclw.reports.sections import ReportSection, sections_for


@dataclass(frozen=True)
class EventRow:
    """One event's figures, as a line of a week's or a host's report."""

    event: Event
    figures: Figures


@dataclass(frozen=True)
class HostRow:
    """One host's events in the week, added up."""

    organisation: Organisation
    events: int
    figures: Figures


@dataclass(frozen=True)
class Report:
    """Everything a report page, its charts and its CSV show."""

    figures: Figures
    over_time: list[Period]
    events: list[EventRow]
    has_started: bool
    hosts: list[HostRow] = field(default_factory=list)
    sections: list[ReportSection] = field(default_factory=list)

    @property
    def lines(self) -> list[FigureLine]:
        return figure_lines(self.figures)

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        return outcomes(self.figures, has_started=self.has_started)

    @property
    def per_week(self) -> bool:
        """Sign-ups are counted per week, not per day (a long stretch)."""
        return bool(self.over_time) and self.over_time[0].weekly

    def signups_chart(self) -> Markup:
        """Sign-ups over time as bars; the page shows the same numbers as a table."""
        return charts.daily_bars(
            [(period.label, period.count) for period in self.over_time],
            title=_("Sign-ups per week") if self.per_week else _("Sign-ups per day"),
            chart_id="signups-chart",
        )

    def outcomes_chart(self) -> Markup:
        """What became of the sign-ups as bars; the page shows the same numbers as a table."""
        return charts.horizontal_bars(
            self.outcomes, title=_("What became of the sign-ups"), chart_id="outcomes-chart"
        )


def event_report(event: Event, *, now: datetime) -> Report:
    """The report on one event, with the sections other features add to it."""
    report = _report([event], now=now)
    return Report(
        figures=report.figures,
        over_time=report.over_time,
        events=report.events,
        has_started=report.has_started,
        sections=[releases_section(event), *sections_for(event)],
    )


def week_report(edition: Edition, *, now: datetime) -> Report:
    """The report on a whole week: every event that was on the site, and each host's total."""
    events = _events_on_the_site(Event.edition_id == edition.id)
    report = _report(events, now=now)
    by_host: dict[int, list[EventRow]] = defaultdict(list)
    for row in report.events:
        by_host[row.event.host_id].append(row)
    hosts = sorted(
        (
            HostRow(rows[0].event.host, len(rows), _total(row.figures for row in rows))
            for rows in by_host.values()
        ),
        key=lambda host: host.organisation.name.casefold(),
    )
    return Report(
        figures=report.figures,
        over_time=report.over_time,
        events=report.events,
        has_started=report.has_started,
        hosts=hosts,
    )


def organisation_report(organisation: Organisation, edition: Edition, *, now: datetime) -> Report:
    """The report on one host's events in a week: what its partner users may see."""
    events = _events_on_the_site(Event.edition_id == edition.id, Event.host_id == organisation.id)
    return _report(events, now=now)


def weeks_hosted(organisation_id: int) -> list[Edition]:
    """The weeks in which this host had events on the site, newest first: its reports."""
    return list(
        db.session.scalars(
            sa.select(Edition)
            .where(
                Edition.id.in_(
                    sa.select(Event.edition_id).where(
                        Event.host_id == organisation_id, Event.status != EventStatus.DRAFT
                    )
                )
            )
            .order_by(Edition.year.desc())
        )
    )


def _events_on_the_site(*where: sa.ColumnElement[bool]) -> list[Event]:
    # Drafts were never open for sign-up; cancelled events were, and count.
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(*where, Event.status != EventStatus.DRAFT)
            .options(selectinload(Event.host))
            .order_by(Event.starts_at, Event.title, Event.id)
        )
    )


def _total(figures: Iterable[Figures]) -> Figures:
    return sum(figures, Figures())


def _report(events: Sequence[Event], *, now: datetime) -> Report:
    tickets = _tickets_of([event.id for event in events])
    cancelled_at = _cancellation_moments(events)
    rows = []
    for event in events:
        facts = EventFacts(
            has_started=event.starts_at <= now,
            cancelled_at=cancelled_at.get(event.id),
            offers=frozenset(feature.value for feature in event.access_list),
        )
        rows.append(EventRow(event, count_event(tickets[event.id], facts)))
    return Report(
        figures=_total(row.figures for row in rows),
        over_time=signups_over_time(
            ticket.created_at for event_tickets in tickets.values() for ticket in event_tickets
        ),
        events=rows,
        has_started=any(event.starts_at <= now for event in events),
    )


def _tickets_of(event_ids: list[int]) -> dict[int, list[TicketFacts]]:
    """What a report needs from each registration of these events, and nothing that names."""
    tickets: dict[int, list[TicketFacts]] = defaultdict(list)
    if not event_ids:
        return tickets
    rows = db.session.execute(
        sa.select(
            Registration.event_id,
            Registration.status,
            Registration.created_at,
            Registration.confirmed_at,
            Registration.cancelled_at,
            Registration.cancellation_reason.is_not(None),
            Registration.checked_in_at.is_not(None),
            Registration.no_show,
            Registration.access_requests,
            Registration.anonymised_at.is_not(None),
        )
        .where(Registration.event_id.in_(event_ids))
        .execution_options(yield_per=5000)
    )
    for event_id, *facts in rows:
        tickets[event_id].append(TicketFacts(*facts))
    return tickets


def _cancellation_moments(events: Sequence[Event]) -> dict[int, datetime]:
    """When each cancelled event was cancelled: its audit entry, written in the same moment
    as the tickets it cancelled (the event's own `updated_at` can move with later edits)."""
    cancelled = {event.id: event for event in events if event.status == EventStatus.CANCELLED}
    if not cancelled:
        return {}
    logged = dict(
        db.session.execute(
            sa.select(AuditEntry.target_id, sa.func.max(AuditEntry.at))
            .where(
                AuditEntry.action == AuditAction.EVENT_CANCELLED.value,
                AuditEntry.target_type == "Event",
                AuditEntry.target_id.in_(list(cancelled)),
            )
            .group_by(AuditEntry.target_id)
        ).all()
    )
    # An event cancelled before the log kept such entries: its last change is the nearest.
    return {
        event_id: logged.get(event_id) or event.updated_at for event_id, event in cancelled.items()
    }
