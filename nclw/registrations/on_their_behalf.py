"""What an organiser does to one person's ticket for them: cancel it, with a reason."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import one_line_text
from nclw.registrations import messages
from nclw.registrations.models import Registration, ReleaseRoute
from nclw.registrations.services import cancel_registration

CANCELLATION_REASON_MAX_LENGTH = 500


def clean_reason(reason: str | None) -> str:
    """The reason an organiser gave for cancelling, tidied; refused when empty or too long."""
    return one_line_text(
        reason,
        _("Say why you are cancelling it. They will read this."),
        limit=CANCELLATION_REASON_MAX_LENGTH,
        too_long=_(
            "The reason must be %(most)s characters or fewer.",
            most=CANCELLATION_REASON_MAX_LENGTH,
        ),
    )


def cancel_on_their_behalf(
    registration: Registration, *, reason: str, actor: User, now: datetime
) -> list[Registration]:
    """An organiser cancels someone's ticket: always with a reason, which the person reads.

    Their email says who cancelled it, why, and whom to ask; unlike a person's own
    cancellation it does not invite them to sign up again, which may not be open to them.
    """
    reason = clean_reason(reason)
    registration.cancellation_reason = reason
    promoted = cancel_registration(
        registration,
        now=now,
        via=ReleaseRoute.ORGANISER,
        email=lambda cancelled: messages.cancelled_by_organisers(
            cancelled, reason=reason, cancelled_by=actor.name
        ),
    )
    record_action(
        AuditAction.REGISTRATION_CANCELLED,
        actor=actor,
        target=registration,
        # Who cancelled is the entry's actor; the reason may name the person, so it is not here.
        summary=registration.audit_summary,
        now=now,
    )
    return promoted
