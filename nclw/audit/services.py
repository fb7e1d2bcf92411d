"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.timezones import utcnow


class Actor(Protocol):
    """Who did something: a signed-in user (nclw.accounts.models.User) has both."""

    id: int
    email: str


def record_action(
    action: str,
    *,
    actor: Actor | None,
    target: object | None = None,
    summary: str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (it commits with the change)."""
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        summary=summary[:500],
    )
    db.session.add(entry)
    return entry
