"""Personal data: a person deletes their details, and everyone's go after the event."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import Booking, Registration, RegistrationStatus
from nclw.registrations.services import cancel_registration
from nclw.registrations.sign_up_answers import forget_answers
from nclw.registrations.supporters import forget_supporter_names
from nclw.registrations.ticket_links import forget_ticket_links

_QUESTION_WITHDRAWER_KEY = "nclw_question_withdrawer"


def use_question_withdrawer(app: Flask, withdraw: Callable[..., int]) -> None:
    """Say how to withdraw a person's questions when they delete their details.

    The live Q&A is built on tickets, not the other way round, so it is handed to us here
    (see create_app) rather than imported. `withdraw(registration, now=...)` returns how many
    questions it withdrew.
    """
    app.extensions[_QUESTION_WITHDRAWER_KEY] = withdraw


def _withdraw_questions(registration: Registration, *, now: datetime) -> int:
    withdraw = current_app.extensions.get(_QUESTION_WITHDRAWER_KEY)
    return withdraw(registration, now=now) if withdraw else 0


def _anonymised_values() -> dict:
    # Unique per row without randomness, so one UPDATE can anonymise many registrations.
    marker = sa.literal("anonymised-") + sa.cast(Registration.id, sa.String)
    return {
        "first_name": "",
        "email": "",
        "email_normalised": marker,
        "access_needs": None,
        "access_requests": "",
        # The reason may name the person's circumstances; that the organisers cancelled stays.
        "cancellation_reason": sa.case(
            (Registration.cancellation_reason.is_not(None), ""), else_=None
        ),
        "organisation_name": None,
        "job_role": None,
        "consent_future_events": False,
        "share_with_host": False,
        "discreet": False,
        # Its calendar reply address stops working with the rest.
        "rsvp_code": None,
    }


def _delete_mail_for(registration_ids) -> None:
    # The outbox keeps each message's address: it goes with the person's details, and so
    # does every link to the ticket they were sent.
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(registration_ids))
        .execution_options(synchronize_session=False)
    )
    forget_ticket_links(registration_ids)
    # Answers to the event's sign-up questions are the person's words: they go too.
    forget_answers(registration_ids)


def delete_my_details(registration: Registration, *, now: datetime) -> None:
    """Cancel the ticket (freeing the place), withdraw the questions it sent, and remove
    everything that identifies the person."""
    if registration.anonymised_at is not None:
        raise NotAllowed(_("These details have already been deleted."))
    # While the ticket is still whole: its questions are found by its asker key.
    withdrawn = _withdraw_questions(registration, now=now)
    if registration.status != RegistrationStatus.CANCELLED:
        cancel_registration(registration, now=now)
    db.session.flush()
    registration_id = registration.id
    _delete_mail_for([registration_id])
    forget_supporter_names([registration_id])
    db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration_id)
        .values(**_anonymised_values(), anonymised_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(registration)
    record_action(
        AuditAction.REGISTRATION_DETAILS_DELETED,
        actor=None,
        target=registration,
        summary=f"{registration.reference}, by the ticket holder"
        + (f"; {withdrawn} question{'s' if withdrawn != 1 else ''} withdrawn" if withdrawn else ""),
        now=now,
    )


class Consent(enum.StrEnum):
    """What a person agreed to at sign-up, and may take back at any time from their ticket."""

    SHARE_WITH_HOST = "share-with-host"
    FUTURE_EVENTS = "future-events"


_CONSENT_COLUMNS = {
    Consent.SHARE_WITH_HOST: "share_with_host",
    Consent.FUTURE_EVENTS: "consent_future_events",
}


def withdraw_consent(registration: Registration, consent: Consent, *, now: datetime) -> None:
    """Take back a consent: from this moment the host no longer sees the person, or no email
    about other events goes to them.

    Only ever taken back here, not given: agreeing to share is a choice made with the event in
    front of you, on the sign-up form, not with one button on a ticket page.
    """
    column = _CONSENT_COLUMNS[consent]
    if not getattr(registration, column):
        raise NotAllowed(_("You had not agreed to this, so there is nothing to take back."))
    setattr(registration, column, False)
    registration.updated_at = now


def purge_personal_data(*, older_than_days: int, now: datetime) -> int:
    """Anonymise registrations for events that ended more than N days ago; counts stay.

    Returns how many registrations were anonymised.
    """
    if older_than_days < 0:
        raise InvalidInput(_("The number of days cannot be negative."))
    cutoff = now - timedelta(days=older_than_days)
    ended = sa.select(Event.id).where(Event.ends_at < cutoff)
    due = sa.select(Registration.id).where(
        Registration.event_id.in_(ended), Registration.anonymised_at.is_(None)
    )
    _delete_mail_for(due)
    forget_supporter_names(due)
    result = db.session.execute(
        sa.update(Registration)
        .where(Registration.event_id.in_(ended), Registration.anonymised_at.is_(None))
        .values(**_anonymised_values(), anonymised_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    # Who booked for young people goes with the tickets they booked.
    db.session.execute(
        sa.delete(Booking)
        .where(Booking.event_id.in_(ended))
        .execution_options(synchronize_session=False)
    )
    if count:
        record_action(
            AuditAction.REGISTRATIONS_PURGED,
            actor=None,
            target=None,
            summary=f"{count} registrations anonymised ({older_than_days} days after the event)",
            now=now,
        )
    return count


def deleted_tickets() -> list[tuple[int, str]]:
    """Every ticket whose details were deleted (by the person or by the retention purge).

    Read from a database about to be replaced by a restore, they are its tombstones: a
    backup taken before someone deleted their details must not bring those details back.
    The reference comes too, so a tombstone never touches a different ticket that happens
    to have the same id (a backup of another site).
    """
    return [
        (ticket_id, reference)
        for ticket_id, reference in db.session.execute(
            sa.select(Registration.id, Registration.reference).where(
                Registration.anonymised_at.is_not(None)
            )
        )
    ]


def reapply_deletions(tombstones: list[tuple[int, str]], *, now: datetime) -> int:
    """Delete again the details of tickets that a restored backup brought back; how many."""
    wanted = dict(tombstones)
    count = 0
    for start in range(0, len(tombstones), 500):
        ids = [ticket_id for ticket_id, _ in tombstones[start : start + 500]]
        for registration in db.session.scalars(
            sa.select(Registration).where(
                Registration.id.in_(ids), Registration.anonymised_at.is_(None)
            )
        ).all():
            if wanted.get(registration.id) == registration.reference:
                delete_my_details(registration, now=now)
                count += 1
    return count
