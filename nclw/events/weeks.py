"""Weeks: each year's National Care Leavers' Week, which organisers set up and change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, required_text
from nclw.events.details import has_hidden_characters
from nclw.events.models import Edition, Event
from nclw.events.services import EDITABLE_FIELDS, create_event
from nclw.extensions import db
from nclw.timezones import UK, to_uk
from nclw.wording import number

THEME_LIMIT = 120
SUMMARY_LIMIT = 2000
# The week is a week; a month allows for a fortnight's festival without allowing mistakes
# like a year typed wrong.
MAX_DAYS = 31


@dataclass(frozen=True)
class WeekDetails:
    """What an organiser says about a week."""

    year: int
    theme: str
    starts_on: date
    ends_on: date
    summary: str = ""


def all_weeks() -> list[Edition]:
    """Every week, the latest first."""
    return list(db.session.scalars(sa.select(Edition).order_by(Edition.year.desc())))


def copyable(weeks: list[Edition]) -> set[int]:
    """The weeks that can be copied to the year after theirs: no week holds that year yet."""
    years = {week.year for week in weeks}
    return {week.id for week in weeks if week.year + 1 not in years}


def create_week(details: WeekDetails, *, actor, now: datetime) -> Edition:
    """Set up a new year's week (its events are added afterwards)."""
    _check(details, week=None)
    week = Edition(
        year=details.year,
        theme=details.theme.strip(),
        summary=details.summary.strip(),
        starts_on=details.starts_on,
        ends_on=details.ends_on,
    )
    db.session.add(week)
    db.session.flush()
    record_action(AuditAction.WEEK_CREATED, actor=actor, target=week, summary=_label(week), now=now)
    return week


def update_week(week: Edition, details: WeekDetails, *, actor, now: datetime) -> None:
    """Change a week; its days must still hold every one of its events."""
    _check(details, week=week)
    week.year = details.year
    week.theme = details.theme.strip()
    week.summary = details.summary.strip()
    week.starts_on = details.starts_on
    week.ends_on = details.ends_on
    db.session.flush()
    record_action(AuditAction.WEEK_EDITED, actor=actor, target=week, summary=_label(week), now=now)


def copy_week(source: Edition, *, year: int, actor, now: datetime) -> Edition:
    """Set up `year`'s week from `source`: its events again, as drafts to check and publish.

    Each event keeps its weekday and its time on a UK clock (across the clocks going back,
    which the week often spans), its host and its settings. Sign-ups, questions and the
    people in them stay behind.
    """
    shift = _same_weekdays_in(year, source.starts_on)
    week = create_week(
        WeekDetails(
            year=year,
            theme=source.theme,
            starts_on=source.starts_on + shift,
            ends_on=source.ends_on + shift,
            summary=source.summary,
        ),
        actor=actor,
        now=now,
    )
    copied = 0
    for event in sorted(source.events, key=lambda event: (event.starts_at, event.id)):
        details = {name: getattr(event, name) for name in EDITABLE_FIELDS}
        details["edition_id"] = week.id
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            details[name] = _moved(details[name], shift)
        create_event(details, actor=actor, now=now)
        copied += 1
    record_action(
        AuditAction.WEEK_COPIED,
        actor=actor,
        target=week,
        summary=f"{source.year} to {year}: {copied} events as drafts",
        now=now,
    )
    return week


def _same_weekdays_in(year: int, first_day: date) -> timedelta:
    """How far to move a week so that it falls in `year`, nearest its date, on the same days."""
    try:
        same_date = first_day.replace(year=year)
    except ValueError:  # 29 February
        same_date = first_day.replace(year=year, day=28)
    offset = (first_day.weekday() - same_date.weekday()) % 7
    if offset > 3:
        offset -= 7
    return same_date + timedelta(days=offset) - first_day


def _moved(moment: datetime | None, shift: timedelta) -> datetime | None:
    """The same time on a UK clock, `shift` later (whatever the clocks did in between)."""
    if moment is None:
        return None
    wall_clock = to_uk(moment).replace(tzinfo=None) + shift
    return wall_clock.replace(tzinfo=UK).astimezone(UTC)


def _label(week: Edition) -> str:
    return f"{week.year}: {week.theme}"


def _check(details: WeekDetails, *, week: Edition | None) -> None:
    if not 2000 <= details.year <= 2100:
        raise InvalidInput(_("Enter a year from 2000 to 2100."))
    theme = required_text(details.theme, _("Enter the week's theme."))
    if len(theme) > THEME_LIMIT:
        raise InvalidInput(_("The theme must be %(limit)s characters or fewer.", limit=THEME_LIMIT))
    if len(details.summary) > SUMMARY_LIMIT:
        raise InvalidInput(
            _(
                "The introduction must be %(limit)s characters or fewer.",
                limit=number(SUMMARY_LIMIT),
            )
        )
    if has_hidden_characters(theme) or has_hidden_characters(details.summary, multiline=True):
        raise InvalidInput(
            _(
                "Type the theme and introduction without hidden characters "
                "(like a line break pasted from another document)."
            )
        )
    if details.ends_on < details.starts_on:
        raise InvalidInput(_("The last day must be the same as the first day or after it."))
    if details.starts_on.year != details.year:
        raise InvalidInput(_("The first day must be in %(year)s.", year=details.year))
    if (details.ends_on - details.starts_on).days >= MAX_DAYS:
        raise InvalidInput(_("A week can last %(days)s days at most.", days=MAX_DAYS))
    same_year = sa.select(Edition.id).where(Edition.year == details.year)
    if week is not None:
        same_year = same_year.where(Edition.id != week.id)
    if db.session.scalar(same_year):
        raise InvalidInput(_("There is already a week for %(year)s.", year=details.year))
    if week is not None:
        outside = [
            event
            for event in db.session.scalars(sa.select(Event).where(Event.edition_id == week.id))
            if not details.starts_on <= to_uk(event.starts_at).date() <= details.ends_on
        ]
        if outside:
            raise InvalidInput(
                ngettext(
                    "%(num)d of this week's events would fall outside these days "
                    "(%(title)s, for one). Move them first, or choose days that hold them.",
                    "%(num)d of this week's events would fall outside these days "
                    "(%(title)s, for one). Move them first, or choose days that hold them.",
                    len(outside),
                    title=outside[0].title,
                )
            )
