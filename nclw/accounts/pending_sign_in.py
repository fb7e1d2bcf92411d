"""A sign-in half done: the password (or a one-time link) was right, the code is still to come.

Kept in the signed session cookie, and not yet a sign-in: nothing but the code pages reads it.
It lasts a few minutes, and names the account's session token, so a password change or
"sign out everywhere" in the meantime ends it too. Pure: the views apply it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta

PENDING = "two_step_pending"
LIFETIME = timedelta(minutes=5)


class FirstStep(enum.StrEnum):
    """How the person proved the first step."""

    PASSWORD = "password"
    LINK = "link"


@dataclass(frozen=True)
class PendingSignIn:
    user_id: int
    session_token: str
    first_step: FirstStep
    next_url: str | None


def hold(
    session: MutableMapping,
    *,
    user_id: int,
    session_token: str,
    first_step: FirstStep,
    next_url: str | None,
    now: datetime,
) -> None:
    """Note that this account has passed the first step, and when."""
    session[PENDING] = {
        "user": user_id,
        "token": session_token,
        "via": first_step.value,
        "next": next_url,
        "at": int(now.timestamp()),
    }


def held(session: Mapping, *, now: datetime) -> PendingSignIn | None:
    """The sign-in waiting for its code, or None: there is none, or it is too old."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    at, user_id, token = pending.get("at"), pending.get("user"), pending.get("token")
    if not isinstance(at, int) or not isinstance(user_id, int) or not isinstance(token, str):
        return None
    if not 0 <= now.timestamp() - at < LIFETIME.total_seconds():
        return None
    try:
        first_step = FirstStep(pending.get("via"))
    except ValueError:
        return None
    next_url = pending.get("next")
    return PendingSignIn(
        user_id, token, first_step, next_url if isinstance(next_url, str) else None
    )


def was_held(session: Mapping) -> bool:
    """Whether a sign-in was waiting for its code (even one now too old)."""
    return PENDING in session


def drop(session: MutableMapping) -> None:
    """Forget the half-done sign-in."""
    session.pop(PENDING, None)
