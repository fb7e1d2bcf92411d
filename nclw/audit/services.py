"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from nclw.audit.actions import AuditAction
from nclw.audit.models import SYSTEM_LABEL, AuditEntry
from nclw.extensions import db
from nclw.timezones import utcnow


class Actor(Protocol):
    """Who did something: a signed-in user (nclw.accounts.models.User) has both."""

    id: int
    email: str


def _event_id_of(target: object | None) -> int | None:
    """The event the target is, or belongs to (a ticket's, a question's, an approved proposal's).

    Read from the target's own columns: the audit log sits below the events, so it cannot
    import their models to ask.
    """
    if target is None:
        return None
    if type(target).__name__ == "Event":
        return getattr(target, "id", None)
    return getattr(target, "event_id", None)


def record_action(
    action: AuditAction,
    *,
    actor: Actor | None,
    target: object | None = None,
    summary: str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (it commits with the change).

    Only an AuditAction may be recorded (anything else raises ValueError): the audit page has
    words for each of them. `summary` is kept as written, so it must hold nobody's name or
    email; the page names people from the rows as they are when it is read.
    """
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else SYSTEM_LABEL,
        action=AuditAction(action).value,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        event_id=_event_id_of(target),
        summary=summary[:500],
    )
    db.session.add(entry)
    return entry
