"""How long a staff sign-in lasts: it ends after a while unused, and some hours after it began.

Staff pages show young people's names, emails and access needs, often on shared computers.
The clock is kept in the signed session cookie, so it cannot be wound back, and needs no
database. Pure: the request hook that applies it is in accounts.views.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# The last-seen time is written at most this often, so not every page sets a new cookie.
_SEEN_PRECISION = 60


def _words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


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
        return _("Please sign in again.")
    moment = now.timestamp()
    if moment - signed_in_at >= absolute.total_seconds():
        return _(
            "You have been signed out because you signed in more than %(span)s ago. "
            "Please sign in again.",
            span=_words(absolute),
        )
    if moment - seen_at >= idle.total_seconds():
        return _(
            "You have been signed out because you had not used the site for %(span)s. "
            "Please sign in again.",
            span=_words(idle),
        )
    return None


def keep_alive(session: MutableMapping, *, now: datetime) -> None:
    """Note that the signed-in person has just used the site."""
    moment = int(now.timestamp())
    if moment - session.get(SEEN_AT, 0) >= _SEEN_PRECISION:
        session[SEEN_AT] = moment
