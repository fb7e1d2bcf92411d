"""How long a staff sign-in lasts: it ends after a while unused, and some hours after it began.

Staff pages show young people's names, emails and access needs, often on shared computers.
The clock is kept in the signed session cookie, so it cannot be wound back, and needs no
database. Pure: the request hook that applies it is in accounts.views.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# The last-seen time is written at most this often, so not every page sets a new cookie.
_SEEN_PRECISION = 60


def _words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def start_clock(session: MutableMapping, *, now: datetime) -> None:
    """Note when someone signs in (and is last seen)."""
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now.timestamp())


def sign_in_ended(
    session: Mapping, *, now: datetime, idle: timedelta, absolute: timedelta
) -> str | None:
    """Why this sign-in has ended, in words for the person, or None while it lasts.

    It ends `idle` after the last page they used, and `absolute` after they signed in,
    whichever comes first. A sign-in with no clock (from before there was one) has ended.
    """
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return "Please sign in again."
    moment = now.timestamp()
    if moment - signed_in_at >= absolute.total_seconds():
        return (
            f"You have been signed out because you signed in more than {_words(absolute)} ago. "
            "Please sign in again."
        )
    if moment - seen_at >= idle.total_seconds():
        return (
            f"You have been signed out because you had not used the site for {_words(idle)}. "
            "Please sign in again."
        )
    return None


def keep_alive(session: MutableMapping, *, now: datetime) -> None:
    """Note that the signed-in person has just used the site."""
    moment = int(now.timestamp())
    if moment - session.get(SEEN_AT, 0) >= _SEEN_PRECISION:
        session[SEEN_AT] = moment
