"""Reading registrations: who holds a place, where they stand, who a message reaches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from nclw.addresses import normalise_email
from nclw.events.details import AccessFeature, access_list
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import MessageAudience, Registration, RegistrationStatus
from nclw.registrations.slot_models import SlotWait


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
    """1 for the next person to get a place; None when not waiting. Someone waiting for one
    time (registrations.slot_waits) counts only the people waiting for that time."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    query = sa.select(sa.func.count(Registration.id))
    waited = db.session.scalar(
        sa.select(SlotWait.slot_id).where(SlotWait.registration_id == registration.id)
    )
    if waited is not None:
        query = (
            query.select_from(Registration)
            .join(SlotWait, SlotWait.registration_id == Registration.id)
            .where(SlotWait.slot_id == waited)
        )
    ahead = db.session.scalar(
        query.where(
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


def message_recipients(
    event: Event, audience: MessageAudience, *, chosen: Collection[int] | None = None
):
    """A query for the registrations an organiser's message would go to: only those among
    `chosen` (registration ids) when it is given."""
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if chosen is not None:
        query = query.where(Registration.id.in_(list(chosen)))
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


def count_offered(event: Event) -> int:
    """How many places are held for an offer not yet claimed (see registrations.offers)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.OFFERED,
            )
        )
        or 0
    )


def confirmed_by_name(event: Event) -> list[Registration]:
    """The people with a confirmed ticket, by first name then reference: the printed
    sign-in sheet and name badges, where people are found by name."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.anonymised_at.is_(None),
            )
            .order_by(sa.func.lower(Registration.first_name), Registration.reference)
        )
    )


def live_registrations(event: Event) -> sa.Select:
    """A query for the confirmed, offered and waiting registrations of an event, in sign-up
    order."""
    return (
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .order_by(Registration.id)
    )


@dataclass(frozen=True)
class AccessSummary:
    """How many people with a place (or waiting) need each listed thing, and how many told
    us something else. Numbers only: what a host may know without learning who."""

    needs: list[tuple[AccessFeature, int]]
    other: int

    @property
    def any(self) -> bool:
        return bool(self.needs or self.other)

    def in_words(self) -> str:
        """'2 people need step-free access; 1 person needs a BSL interpreter'."""
        parts = [
            ngettext(
                "%(num)d person needs %(need)s",
                "%(num)d people need %(need)s",
                count,
                need=feature.need,
            )
            for feature, count in self.needs
        ]
        if self.other:
            parts.append(
                ngettext(
                    "%(num)d person told us about other needs",
                    "%(num)d people told us about other needs",
                    self.other,
                )
            )
        return "; ".join(parts) if parts else _("Nobody has told us about access needs.")


def access_summary(event: Event) -> AccessSummary:
    """The access needs of everyone holding or waiting for a place, counted."""
    rows = db.session.execute(
        sa.select(Registration.access_requests, Registration.access_needs).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
            sa.or_(Registration.access_requests != "", Registration.access_needs.is_not(None)),
        )
    ).all()
    counts = Counter(feature for row in rows for feature in access_list(row.access_requests))
    return AccessSummary(
        needs=[(feature, counts[feature]) for feature in AccessFeature if counts[feature]],
        other=sum(1 for row in rows if row.access_needs),
    )


def first_waiting(
    *conditions: sa.ColumnElement[bool],
    passed_over: Collection[int] = (),
    joins_slot_waits: bool = False,
) -> Registration | None:
    """Who goes next from a waiting list: the person waiting longest, first come first
    served, among those the conditions pick, passing over `passed_over`. Locked, and a row
    another request has locked is skipped, so two promotions never pick the same person."""
    query = sa.select(Registration)
    if joins_slot_waits:
        query = query.join(SlotWait, SlotWait.registration_id == Registration.id)
    return db.session.scalar(
        query.where(
            *conditions,
            Registration.status == RegistrationStatus.WAITING,
            Registration.id.not_in(passed_over),
        )
        .order_by(Registration.waiting_since, Registration.id)
        .limit(1)
        # Only the ticket is locked: PostgreSQL cannot lock the outer side of a join.
        .with_for_update(skip_locked=True, of=Registration)
    )
