"""Reading registrations: who holds a place, where they stand, who a message reaches."""

from __future__ import annotations

import enum

import sqlalchemy as sa

from nclw.addresses import normalise_email
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus


def find_live_registration(event: Event, email: str) -> Registration | None:
    """The ticket or waiting-list place this address holds for the event, if any."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_normalised == normalise_email(email),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the next person to get a place; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITING,
            sa.or_(
                Registration.waiting_since < registration.waiting_since,
                sa.and_(
                    Registration.waiting_since == registration.waiting_since,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


class MessageAudience(enum.StrEnum):
    """Who an organiser's message goes to."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CHECKED_IN = "checked_in"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "confirmed": "People with a confirmed ticket",
            "waiting": "People on the waiting list",
            "checked_in": "People who checked in",
            "all": "Everyone with a ticket or on the waiting list",
        }[self.value]


def message_recipients(event: Event, audience: MessageAudience):
    """A query for the registrations an organiser's message would go to."""
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if audience == MessageAudience.CONFIRMED:
        query = query.where(Registration.status == RegistrationStatus.CONFIRMED)
    elif audience == MessageAudience.WAITING:
        query = query.where(Registration.status == RegistrationStatus.WAITING)
    elif audience == MessageAudience.CHECKED_IN:
        query = query.where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.checked_in_at.is_not(None),
        )
    else:
        query = query.where(Registration.status != RegistrationStatus.CANCELLED)
    return query.where(Registration.anonymised_at.is_(None)).order_by(Registration.id)


def count_recipients(event: Event, audience: MessageAudience) -> int:
    """How many people a message to this audience would reach."""
    query = message_recipients(event, audience).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(query)) or 0


def live_registrations(event: Event) -> sa.Select:
    """A query for the confirmed and waiting registrations of an event, in sign-up order."""
    return (
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]),
        )
        .order_by(Registration.id)
    )
