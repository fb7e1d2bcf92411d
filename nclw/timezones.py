"""Time in one place: UTC in the database, Europe/London for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import get_locale, gettext, ngettext

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def uk_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the UK, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UK).astimezone(UTC)


def to_uk(moment: datetime) -> datetime:
    """The same instant on a UK clock."""
    return moment.astimezone(UK)


def _locale():
    """The language being written in (Babel's), or None for the site's own English."""
    locale = get_locale()
    return None if locale is None or locale.language == "en" else locale


def _clock(moment: datetime) -> str:
    """'4pm', '5:30pm', '12 noon' (in Welsh '4yp', '5:30yp', '12 canol dydd')."""
    if moment.hour == 12 and moment.minute == 0:
        return gettext("12 noon")
    if moment.hour == 0 and moment.minute == 0:
        return gettext("midnight")
    hour = moment.hour % 12 or 12
    if moment.minute == 0:
        if moment.hour < 12:
            return gettext("%(hour)sam", hour=hour)
        return gettext("%(hour)spm", hour=hour)
    minute = f"{moment.minute:02d}"
    if moment.hour < 12:
        return gettext("%(hour)s:%(minute)sam", hour=hour, minute=minute)
    return gettext("%(hour)s:%(minute)spm", hour=hour, minute=minute)


def _date(local: datetime, english: str, pattern: str) -> str:
    # English is written by hand (it needs no data); other languages take CLDR's names.
    locale = _locale()
    return english if locale is None else format_date(local.date(), pattern, locale=locale)


def format_day(moment: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October' on a UK clock; 'Thursday 28 October 2027' outside this year.

    "This year" is the UK year at `now` (the current instant unless given), so a date next
    January never reads as this January. In Welsh: 'Dydd Mercher 28 Hydref'.
    """
    local = to_uk(moment)
    if local.year != to_uk(now or utcnow()).year:
        return _date(local, f"{local:%A} {local.day} {local:%B} {local.year}", "EEEE d MMMM y")
    return _date(local, f"{local:%A} {local.day} {local:%B}", "EEEE d MMMM")


def format_time(moment: datetime) -> str:
    """'4pm' on a UK clock."""
    return _clock(to_uk(moment))


def format_stamp(moment: datetime) -> str:
    """'Wed 28 Oct 2026, 4:05pm' on a UK clock: when something happened, in a log."""
    local = to_uk(moment)
    day = _date(local, f"{local:%a} {local.day} {local:%b %Y}", "EEE d MMM y")
    return gettext("%(day)s, %(time)s", day=day, time=_clock(local))


def format_when(starts_at: datetime, ends_at: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October, 4pm to 5:30pm (UK time)' (with the year outside this year)."""
    start, end = to_uk(starts_at), to_uk(ends_at)
    first_day = format_day(start, now=now)
    if start.date() == end.date():
        return gettext(
            "%(day)s, %(start)s to %(end)s (UK time)",
            day=first_day,
            start=_clock(start),
            end=_clock(end),
        )
    return gettext(
        "%(first_day)s, %(start)s to %(last_day)s, %(end)s (UK time)",
        first_day=first_day,
        start=_clock(start),
        last_day=format_day(end, now=now),
        end=_clock(end),
    )


def format_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October at 4pm (UK time)' (with the year outside this year)."""
    return gettext(
        "%(day)s at %(time)s (UK time)", day=format_day(moment, now=now), time=format_time(moment)
    )


def format_duration(starts_at: datetime, ends_at: datetime) -> str:
    """'1 hour 30 minutes'."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts) or gettext("less than a minute")
