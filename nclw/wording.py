"""Counts and calendar days in words, in the language of the page or email being written."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import get_locale, gettext

# Nouns whose plural is not the singular plus "s".
_IRREGULAR_PLURALS = {"person": "people"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """A count with its noun, in English only: "1 question", "2 questions", "2 people".

    It cannot be translated (other languages count in other ways): new wording uses
    ngettext, and this stays only for the back office's English until it does too.
    """
    if count == 1:
        return f"1 {singular}"
    return f"{count:,} {many or _IRREGULAR_PLURALS.get(singular, singular + 's')}"


def number(count: int) -> str:
    """'10,000': a count with its thousands marked, to put in a message."""
    return f"{count:,}"


def long_date(day: date, *, weekday: bool = False, year: bool = True) -> str:
    """'2 December 2026'; with `weekday`, 'Monday 26 October 2026' (in Welsh, 'Dydd Llun…')."""
    pattern = ("EEEE " if weekday else "") + "d MMMM" + (" y" if year else "")
    return format_date(day, pattern, locale=get_locale() or "en")


def week_dates(starts_on: date, ends_on: date) -> str:
    """'Monday 26 October to Sunday 1 November 2026': a week's days, as its page says them."""
    return gettext(
        "%(first_day)s to %(last_day)s",
        first_day=long_date(starts_on, weekday=True, year=False),
        last_day=long_date(ends_on, weekday=True),
    )
