"""What the back-office screens list: attendees, the mail and audit logs, events, organisations.

Read-only. Each function takes plain values (a search term, a filter, a page number), never the
request, so the screens stay thin and these can be tested without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from nclw.accounts.models import User
from nclw.audit import wording
from nclw.audit.models import SYSTEM_LABEL, AuditEntry
from nclw.events.models import Edition, Event, Organisation
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.queries import MessageAudience, message_recipients
from nclw.timezones import uk_datetime

PAGE_SIZE = 50

# The attendee list's status filter: value, then the words on the page. The statuses a ticket
# can be in, plus two things that happen to a ticket (arriving, not turning up).
ATTENDEE_FILTERS: tuple[tuple[str, object], ...] = (  # words lazy: shown in the page's language
    ("", _l("Everyone")),
    (RegistrationStatus.CONFIRMED.value, _l("Confirmed")),
    (RegistrationStatus.OFFERED.value, _l("Offered a place")),
    (RegistrationStatus.WAITING.value, _l("Waiting list")),
    (RegistrationStatus.CANCELLED.value, _l("Cancelled")),
    ("checked_in", _l("Checked in")),
    ("no_show", _l("No-show")),
    ("booked", _l("Booked by a professional")),
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing. `total` is counted only where the screen shows it."""

    items: Sequence[T]
    number: int
    has_more: bool
    total: int | None = None

    @property
    def pages(self) -> int:
        """How many pages the counted listing fills (at least one, so "page 1 of 1")."""
        return max(((self.total or 0) + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _offset(page: int) -> int:
    return (max(page, 1) - 1) * PAGE_SIZE


def _uncounted_page(query: sa.Select, page: int) -> Page:
    # One row more than a page tells whether there is a next page, without counting them all.
    rows = db.session.scalars(query.limit(PAGE_SIZE + 1).offset(_offset(page))).all()
    return Page(items=rows[:PAGE_SIZE], number=max(page, 1), has_more=len(rows) > PAGE_SIZE)


def attendee_page(
    event: Event,
    *,
    search: str = "",
    status: str = "",
    page: int = 1,
    booking: int | None = None,
) -> Page:
    """The event's tickets, not yet anonymised, matching `search` and the `status` filter.

    `search` matches part of a first name, email or reference, in any case. `status` is one of
    ATTENDEE_FILTERS; anything else shows everyone. `booking` (an id) keeps only the tickets a
    professional booked in that booking. Confirmed first, then the waiting list in
    the order people joined it.
    """
    query = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.anonymised_at.is_(None)
    )
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    elif status == "checked_in":
        query = query.where(Registration.checked_in_at.is_not(None))
    elif status == "no_show":
        query = query.where(Registration.no_show.is_(True))
    elif status == "booked":
        query = query.where(Registration.booking_id.is_not(None))
    if booking is not None:
        query = query.where(Registration.booking_id == booking)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.first_name).like(like),
                Registration.email_normalised.like(like),
                sa.func.lower(Registration.reference).like(like),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    people = db.session.scalars(
        query.options(selectinload(Registration.booking))
        .order_by(Registration.status, Registration.waiting_since, Registration.id)
        .limit(PAGE_SIZE)
        .offset(_offset(page))
    ).all()
    number = max(page, 1)
    return Page(items=people, number=number, has_more=number * PAGE_SIZE < total, total=total)


def ticket_by_reference(event: Event, reference: str) -> Registration | None:
    """The event's ticket with exactly this reference, if there is one."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.reference == reference
        )
    )


def recent_check_ins(event: Event, *, limit: int = 10) -> list[Registration]:
    """The people who arrived at the event most recently, latest first."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.checked_in_at.is_not(None))
            .order_by(Registration.checked_in_at.desc())
            .limit(limit)
        )
    )


def first_recipient(event: Event, audience: MessageAudience) -> Registration | None:
    """One person a message to `audience` would reach, to show the message as they would see it."""
    return db.session.scalar(message_recipients(event, audience).limit(1))


def mail_log_page(*, status: str = "", page: int = 1) -> Page:
    """Outgoing emails, newest first; only those in `status` if it is a message status."""
    query = sa.select(OutboxMessage)
    if status in {s.value for s in MessageStatus}:
        query = query.where(OutboxMessage.status == status)
    return _uncounted_page(query.order_by(OutboxMessage.id.desc()), page)


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; a filter left at its default is not used."""

    # UK days, both included.
    from_day: date | None = None
    to_day: date | None = None
    # One person's entries, or the system's (entries no signed-in person made).
    actor_id: int | None = None
    by_system: bool = False
    event_id: int | None = None
    # A kind's key or one action's name (see audit.wording.actions_of).
    kind: str = ""


def audit_log_page(filters: AuditFilters = AuditFilters(), *, page: int = 1) -> Page:
    """Audit entries matching every filter given, newest first."""
    query = sa.select(AuditEntry)
    if filters.from_day is not None:
        query = query.where(AuditEntry.at >= uk_datetime(filters.from_day, 0))
    # The last day runs to the next UK midnight, whether that day is 23, 24 or 25 hours long.
    if filters.to_day is not None and filters.to_day < date.max:
        query = query.where(AuditEntry.at < uk_datetime(filters.to_day + timedelta(days=1), 0))
    if filters.by_system:
        query = query.where(AuditEntry.actor_id.is_(None), AuditEntry.actor_label == SYSTEM_LABEL)
    elif filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.event_id is not None:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.kind:
        query = query.where(AuditEntry.action.in_(wording.actions_of(filters.kind)))
    return _uncounted_page(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page)


def audit_people() -> list[User]:
    """The people who have done something the audit log records, by name."""
    actors = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    known_as = sa.func.lower(sa.func.coalesce(sa.func.nullif(User.name, ""), User.email))
    return list(db.session.scalars(sa.select(User).where(User.id.in_(actors)).order_by(known_as)))


def audit_events() -> list[Event]:
    """The events the audit log has entries about, the latest to start first."""
    about = sa.select(AuditEntry.event_id).where(AuditEntry.event_id.is_not(None)).distinct()
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.id.in_(about)).order_by(Event.starts_at.desc())
        )
    )


def events_of_edition(edition: Edition) -> list[Event]:
    """Every event of the week, drafts and cancelled ones included, in time order."""
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.edition_id == edition.id).order_by(Event.starts_at)
        )
    )


def events_newest_first() -> list[Event]:
    """Every event of every week, the latest to start first."""
    return list(db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())))


def organisations() -> list[Organisation]:
    """Every host organisation, by name."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def partner_users_of(organisation: Organisation) -> list[User]:
    """The partner users who sign in for an organisation."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == organisation.id).order_by(User.email)
        )
    )
