"""Recording what happened to a ticket in the audit log, in one way everywhere."""

from __future__ import annotations

from datetime import datetime

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.registrations.models import Registration


def record_ticket_action(
    action: AuditAction, registration: Registration, *, now: datetime, actor: User | None = None
) -> None:
    """Log `action` on a ticket by `actor` (None: the person themselves, or the system)."""
    record_action(
        action, actor=actor, target=registration, summary=registration.audit_summary, now=now
    )
