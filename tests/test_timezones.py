"""Dates in words: the year shows whenever the date is not in this (UK) year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nclw.timezones import format_day, format_moment, format_when, utcnow

NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
NEW_YEARS_DAY = datetime(2027, 1, 1, 0, 0, 0, tzinfo=UTC)
PARTY = datetime(2027, 1, 2, 16, tzinfo=UTC)  # Saturday 2 January 2027, 4pm in London


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (NEW_YEARS_EVE, "Saturday 2 January 2027"),
        # One second later it is this year's date, and reads as one.
        (NEW_YEARS_DAY, "Saturday 2 January"),
        (datetime(2028, 3, 1, tzinfo=UTC), "Saturday 2 January 2027"),
    ],
)
def test_a_day_names_its_year_only_outside_this_year(now, words):
    assert format_day(PARTY, now=now) == words


def test_this_year_is_the_uk_year_not_the_utc_one():
    # 23:30 UTC on New Year's Eve is still 2026 in London (GMT then): 2026's dates show no year.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert format_day(datetime(2026, 10, 28, 16, tzinfo=UTC), now=late) == "Wednesday 28 October"
    # In summer London is an hour ahead: the instant 23:30 UTC on 31 May is 1 June there.
    assert format_day(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), now=late) == "Monday 1 June"


def test_an_event_across_new_year_names_both_years_where_needed():
    starts = datetime(2026, 12, 31, 22, tzinfo=UTC)
    ends = datetime(2027, 1, 1, 1, tzinfo=UTC)
    assert format_when(starts, ends, now=NEW_YEARS_EVE) == (
        "Thursday 31 December, 10pm to Friday 1 January 2027, 1am (UK time)"
    )
    assert format_when(starts, ends, now=NEW_YEARS_DAY) == (
        "Thursday 31 December 2026, 10pm to Friday 1 January, 1am (UK time)"
    )
    assert format_when(PARTY, PARTY.replace(hour=17), now=NEW_YEARS_EVE) == (
        "Saturday 2 January 2027, 4pm to 5pm (UK time)"
    )


def test_a_moment_names_its_year_outside_this_year():
    assert format_moment(PARTY, now=NEW_YEARS_EVE) == "Saturday 2 January 2027 at 4pm (UK time)"
    assert format_moment(PARTY, now=NEW_YEARS_DAY) == "Saturday 2 January at 4pm (UK time)"


def test_the_page_filters_use_the_current_year(app):
    env = app.jinja_env
    now = utcnow()
    next_year = now.replace(year=now.year + 1, month=3, day=1)
    assert str(now.year + 1) in env.filters["day"](next_year)
    assert str(now.year) not in env.filters["day"](now)
