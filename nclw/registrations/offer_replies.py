"""What becomes of an offer: claimed, turned down with "No thanks", or run out.

Each ends the offer with one guarded UPDATE of the ticket's row (`WHERE status = 'offered'`),
so a claim racing the deadline, a second click or the expiry command can end an offer only
once: it is claimed, or it is passed on, never both. The place stays held throughout: a
claim keeps it, and an offer passed on gives it straight to the next person waiting.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from nclw.audit.actions import AuditAction
from nclw.errors import NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.mail.outbox import queue_ticket_email
from nclw.registrations import messages
from nclw.registrations.models import Registration, RegistrationStatus, ReleaseRoute
from nclw.registrations.ticket_audit import record_ticket_action
from nclw.registrations.waiting_list import release_place

OFFER_GONE = _l("This offer has ended, so the place has gone to the next person waiting.")


def _end_offer(registration: Registration, *, still_open: bool, now: datetime, **values) -> bool:
    """Move an offer on, if it is still an offer (and still open, or already run out)."""
    deadline = Registration.offer_expires_at
    ended = guarded_update(
        Registration,
        Registration.id == registration.id,
        Registration.status == RegistrationStatus.OFFERED,
        deadline > now if still_open else deadline <= now,
        updated_at=now,
        **values,
    )
    db.session.refresh(registration)
    return ended


def claim_offer(registration: Registration, *, now: datetime) -> Registration:
    """Turn an open offer into a confirmed ticket; refused once the offer has ended."""
    if registration.is_confirmed:
        return registration  # a second click, or a second tab: the place is theirs already
    claimed = _end_offer(
        registration,
        still_open=True,
        now=now,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=now,
        calendar_sequence=Registration.calendar_sequence + 1,
    )
    if not claimed:
        raise NotAllowed(str(OFFER_GONE))
    queue_ticket_email(messages.promoted_from_waiting_list(registration), registration)
    record_ticket_action(AuditAction.OFFER_CLAIMED, registration, now=now)
    return registration


def decline_offer(registration: Registration, *, now: datetime) -> list[Registration]:
    """'No thanks': end an open offer now and pass the place to the next person waiting."""
    declined = _end_offer(
        registration,
        still_open=True,
        now=now,
        status=RegistrationStatus.CANCELLED,
        cancelled_at=now,
    )
    if not declined:
        raise NotAllowed(str(OFFER_GONE))
    queue_ticket_email(messages.offer_declined(registration), registration)
    record_ticket_action(AuditAction.OFFER_DECLINED, registration, now=now)
    return release_place(registration, ReleaseRoute.TICKET_PAGE, now=now)


def expire_offer(registration: Registration, *, now: datetime) -> bool:
    """End an offer whose deadline has passed and pass the place on; False if it was not
    one (claimed, turned down or ended already, or still open)."""
    if not _end_offer(
        registration,
        still_open=False,
        now=now,
        status=RegistrationStatus.CANCELLED,
        cancelled_at=now,
        offer_expired_at=now,
    ):
        return False
    queue_ticket_email(messages.offer_expired(registration), registration)
    record_ticket_action(AuditAction.OFFER_EXPIRED, registration, now=now)
    release_place(registration, ReleaseRoute.EXPIRED_OFFER, now=now)
    return True


def expire_offers(*, now: datetime, event: Event | None = None) -> int:
    """End every offer run out by `now` (of one event, or all), each in its own commit.

    Run by `flask nclw expire-offers` every few minutes, and before a claim or "No thanks"
    for the event. One commit per offer, so an offer claimed meanwhile is skipped and the
    rest still move on. Returns how many ran out.
    """
    query = sa.select(Registration.id).where(
        Registration.status == RegistrationStatus.OFFERED, Registration.offer_expires_at <= now
    )
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    expired = 0
    for registration_id in db.session.scalars(query.order_by(Registration.offer_expires_at)).all():
        try:
            expired += expire_offer(db.session.get_one(Registration, registration_id), now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return expired
