"""Times in the back office's words: the same words as the public pages, with the year added
when it is not this year (organisers copy weeks from one year to the next)."""

from __future__ import annotations

from datetime import date, datetime

from nclw.timezones import format_day, format_time, to_uk


def _day(moment: datetime, today: date) -> str:
    year = to_uk(moment).year
    return format_day(moment) if year == today.year else f"{format_day(moment)} {year}"


def when_in_words(starts_at: datetime, ends_at: datetime, *, today: date) -> str:
    """'Wednesday 28 October, 4pm to 5:30pm (UK time)', or '…28 October 2027, 4pm…' when the
    event is not this year. `today` is the UK date now."""
    start_day, end_day = _day(starts_at, today), _day(ends_at, today)
    if to_uk(starts_at).date() == to_uk(ends_at).date():
        return f"{start_day}, {format_time(starts_at)} to {format_time(ends_at)} (UK time)"
    return f"{start_day}, {format_time(starts_at)} to {end_day}, {format_time(ends_at)} (UK time)"
