"""Time in one place: UTC in the database, Europe/London for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

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


def _clock(moment: datetime) -> str:
    """'4pm', '5:30pm', '12 noon'."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def format_day(moment: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October' on a UK clock; 'Thursday 28 October 2027' outside this year.

    "This year" is the UK year at `now` (the current instant unless given), so a date next
    January never reads as this January.
    """
    local = to_uk(moment)
    words = f"{local:%A} {local.day} {local:%B}"
    if local.year != to_uk(now or utcnow()).year:
        words += f" {local.year}"
    return words


def format_time(moment: datetime) -> str:
    """'4pm' on a UK clock."""
    return _clock(to_uk(moment))


def format_stamp(moment: datetime) -> str:
    """'Wed 28 Oct 2026, 4:05pm' on a UK clock: when something happened, in a log."""
    local = to_uk(moment)
    return f"{local:%a} {local.day} {local:%b %Y}, {_clock(local)}"


def format_when(starts_at: datetime, ends_at: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October, 4pm to 5:30pm (UK time)' (with the year outside this year)."""
    start, end = to_uk(starts_at), to_uk(ends_at)
    first_day = format_day(start, now=now)
    if start.date() == end.date():
        return f"{first_day}, {_clock(start)} to {_clock(end)} (UK time)"
    last_day = format_day(end, now=now)
    return f"{first_day}, {_clock(start)} to {last_day}, {_clock(end)} (UK time)"


def format_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """'Wednesday 28 October at 4pm (UK time)' (with the year outside this year)."""
    return f"{format_day(moment, now=now)} at {format_time(moment)} (UK time)"


def format_duration(starts_at: datetime, ends_at: datetime) -> str:
    """'1 hour 30 minutes'."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
    if minutes:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    return " ".join(parts) or "less than a minute"
