"""The rules of signing up: who may, when, and how places are shared out fairly."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nclw.accounts.models import User
from nclw.addresses import normalise_email
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.details import check_places, store_access
from nclw.events.models import Event
from nclw.events.services import sign_up_closed_reason
from nclw.extensions import db
from nclw.mail.outbox import (
    insert_emails_to_compose,
    note_queued,
    queue_email,
    queue_email_to_compose,
)
from nclw.registrations import messages, offers, slots
from nclw.registrations.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Registration,
    RegistrationStatus,
    ReleaseRoute,
)
from nclw.registrations.queries import find_live_registration
from nclw.registrations.rsvp import new_rsvp_code
from nclw.registrations.sign_up_details import SignUpDetails, check_details


@dataclass(frozen=True)
class SignUpResult:
    """A new registration, or the live one this address already holds."""

    registration_id: int
    status: RegistrationStatus
    already_registered: bool = False

    @property
    def registration(self) -> Registration:
        """The registration itself, loaded when something asks for it."""
        return db.session.get_one(Registration, self.registration_id)

    @classmethod
    def existing(cls, registration: Registration) -> SignUpResult:
        return cls(registration.id, registration.status, already_registered=True)


def new_reference() -> str:
    """A short reference a person can read out, like NCLW-7K3Q9P."""
    return "NCLW-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


_EVENTS = Event.__table__
# Built once: a sign-up runs it, and building a statement costs more than running it.
_TAKE_PLACE = (
    sa.update(_EVENTS)
    .where(
        _EVENTS.c.id == sa.bindparam("event_id"),
        sa.or_(_EVENTS.c.capacity.is_(None), _EVENTS.c.confirmed_count < _EVENTS.c.capacity),
    )
    .values(confirmed_count=_EVENTS.c.confirmed_count + 1)
)
_INSERT_REGISTRATION = sa.insert(Registration.__table__).returning(Registration.__table__.c.id)


def _write_sign_up(ticket: dict, *, now: datetime, slot_id: int | None = None) -> tuple[int, bool]:
    """Take a place if one is free, write the ticket, queue its email: (id, confirmed).

    Core statements rather than ORM objects: nothing here needs an object, and this is the
    busiest request there is. The sender writes the email and its invite later.
    """
    if slot_id is not None:
        return _write_slotted_sign_up(ticket, slot_id, now=now)
    if db.session.get_bind().dialect.name == "postgresql":
        # Every sign-up for an event queues on the event's row lock, from the UPDATE to the
        # COMMIT. One statement for the three writes holds it for one round trip, not three.
        row = db.session.execute(_sign_up_in_one_statement(), {**ticket, "now": now}).one()
        note_queued()
        return row.registration_id, row.kind == _CONFIRMED_KIND
    return _write_sign_up_in_steps(ticket, now=now)


def _write_sign_up_in_steps(ticket: dict, *, now: datetime) -> tuple[int, bool]:
    """_write_sign_up as three statements, for databases without UPDATE inside WITH."""
    confirmed = _take_place(ticket["event_id"])
    registration_id = db.session.execute(
        _INSERT_REGISTRATION,
        {
            **ticket,
            "status": RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
            "created_at": now,
            "updated_at": now,
            "confirmed_at": now if confirmed else None,
            "waiting_since": None if confirmed else now,
        },
    ).scalar_one()
    queue_email_to_compose(
        _CONFIRMED_KIND if confirmed else _WAITING_KIND,
        to_address=ticket["email"],
        registration_id=registration_id,
        event_id=ticket["event_id"],
        now=now,
    )
    return registration_id, confirmed


def _write_slotted_sign_up(ticket: dict, slot_id: int, *, now: datetime) -> tuple[int, bool]:
    """Take the chosen slot's place, then the event's, in one transaction; a slot someone
    else took first is refused (the form offers the times still free)."""
    if not slots.take_slot(slot_id, ticket["event_id"]):
        db.session.rollback()
        raise NotAllowed(slots.SLOT_GONE)
    registration_id, confirmed = _write_sign_up_in_steps(ticket, now=now)
    if not confirmed:  # the event has fewer places than its slots: keep to the event's
        db.session.rollback()
        raise NotAllowed(slots.SLOT_GONE)
    slots.book(registration_id, slot_id)
    return registration_id, confirmed


_CONFIRMED_KIND = "ticket_confirmed"
_WAITING_KIND = "waiting_list"


@functools.cache
def _sign_up_in_one_statement() -> sa.Insert:
    """PostgreSQL: take a place, write the ticket and queue its email in one statement.

    The same rule as the three statements for SQLite (which has no UPDATE inside WITH): the
    guarded UPDATE takes a place or finds none, the ticket is confirmed only if it took one.
    """
    tickets = Registration.__table__
    now = sa.bindparam("now", type_=tickets.c.created_at.type)
    taken = _TAKE_PLACE.values(updated_at=now).returning(_EVENTS.c.id).cte("taken_place")
    took_place = sa.exists(sa.select(taken.c.id))
    given = [
        "event_id",
        "first_name",
        "email",
        "email_normalised",
        "reference",
        "access_needs",
        "access_requests",
        "declared_care_experienced",
        "organisation_name",
        "job_role",
        "consent_future_events",
        "share_with_host",
        "discreet",
        "rsvp_code",
    ]
    written = (
        sa.insert(tickets)
        .from_select(
            [
                *given,
                "status",
                "confirmed_at",
                "waiting_since",
                "created_at",
                "updated_at",
                "no_show",
            ],
            sa.select(
                *(sa.bindparam(name, type_=tickets.c[name].type) for name in given),
                sa.case(
                    (took_place, RegistrationStatus.CONFIRMED.value),
                    else_=RegistrationStatus.WAITING.value,
                ),
                sa.case((took_place, now)),
                sa.case((~took_place, now)),
                now,
                now,
                sa.false(),
            ),
            # Python-side defaults are not filled in inside WITH: every column is given here,
            # and the rest (calendar_sequence) have database defaults.
            include_defaults=False,
        )
        .returning(tickets.c.id, tickets.c.email, tickets.c.event_id, tickets.c.status)
        .cte("written_ticket")
    )
    kind = sa.case(
        (written.c.status == RegistrationStatus.CONFIRMED.value, _CONFIRMED_KIND),
        else_=_WAITING_KIND,
    )
    queued = sa.select(kind, written.c.email, written.c.id, written.c.event_id)
    outbox = insert_emails_to_compose(queued, now=now)
    return outbox.returning(outbox.table.c.registration_id, outbox.table.c.kind)


def _take_place(event_id: int) -> bool:
    """Claim one confirmed place, atomically; False when the event is full.

    The guarded UPDATE is the lock: PostgreSQL re-checks the WHERE clause after any
    concurrent update of the row commits, and SQLite lets one writer in at a time, so the
    count can never pass the capacity (the CHECK constraint is the last line of defence).
    """
    return db.session.execute(_TAKE_PLACE, {"event_id": event_id}).rowcount == 1


def _give_back_place(event_id: int) -> None:
    db.session.execute(
        sa.update(Event)
        .where(Event.id == event_id, Event.confirmed_count > 0)
        .values(confirmed_count=Event.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )


def register(event: Event, details: SignUpDetails, *, now: datetime) -> SignUpResult:
    """Give the person a confirmed ticket if a place is free, else a waiting-list place.

    Commits, because the database decides the race: a second sign-up for the same address
    that slips past the first check is stopped by the unique index and reported as such.
    """
    reason = sign_up_closed_reason(event, now=now)
    if reason:
        raise NotAllowed(reason)
    check_details(event, details)
    slots.check_choice(event, details.slot_id)

    # No look-up first: the unique index on live (event, address) pairs is the check. A
    # second sign-up for an address fails the INSERT, and the rollback gives back the place
    # it took.
    for _attempt in range(3):
        ticket = {
            "event_id": event.id,
            "first_name": details.first_name.strip(),
            "email": details.email.strip(),
            "email_normalised": normalise_email(details.email),
            "reference": new_reference(),
            "access_needs": (details.access_needs or "").strip() or None,
            "access_requests": store_access(details.access_requests or ()),
            "declared_care_experienced": details.declared_care_experienced,
            "organisation_name": (details.organisation_name or "").strip() or None,
            "job_role": (details.job_role or "").strip() or None,
            "consent_future_events": details.consent_future_events,
            "share_with_host": details.share_with_host,
            "discreet": details.discreet,
            "rsvp_code": new_rsvp_code(),
        }
        try:
            registration_id, confirmed = _write_sign_up(ticket, now=now, slot_id=details.slot_id)
        except IntegrityError:
            db.session.rollback()
            existing = find_live_registration(event, details.email)
            if existing:
                return SignUpResult.existing(existing)
            continue  # a reference collided: try again with a fresh one
        db.session.commit()
        status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
        return SignUpResult(registration_id, status)
    raise NotAllowed("We could not save your sign-up just now. Please try again.")


def _next_waiting(event_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITING)
        .order_by(Registration.waiting_since, Registration.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _confirm(registration: Registration, *, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.waiting_since = None
    registration.calendar_sequence += 1
    queue_email(
        messages.promoted_from_waiting_list(registration),
        registration_id=registration.id,
        event_id=registration.event_id,
    )


def promote_from_waiting_list(event: Event, *, now: datetime) -> list[Registration]:
    """Fill every free place from the waiting list, first come first served: confirmed
    outright, or offered until a deadline when the event's offers expire (see offers)."""
    deadline = offers.deadline_for(event, now=now)
    promoted: list[Registration] = []
    while True:
        candidate = _next_waiting(event.id)
        if candidate is None or not _take_place(event.id):
            break
        if not slots.give_first_free_slot(candidate):
            _give_back_place(event.id)
            break
        if deadline is None:
            _confirm(candidate, now=now)
        else:
            offers.make_offer(candidate, deadline, now=now)
        promoted.append(candidate)
    return promoted


def release_place(
    registration: Registration, via: ReleaseRoute | None, *, now: datetime
) -> list[Registration]:
    """Give back the place `registration` held and pass it to the waiting list, noting the
    route it came back by and whether someone waiting took it; returns who it went to."""
    registration.released_via = via
    _give_back_place(registration.event_id)
    slots.give_back_slot(registration)
    db.session.flush()
    promoted = promote_from_waiting_list(registration.event, now=now)
    registration.place_taken_again = bool(promoted)
    return promoted


def promote_registration(
    registration: Registration, *, actor: User | None, now: datetime
) -> Registration:
    """Move one chosen person off the waiting list, if a place is free."""
    if registration.status != RegistrationStatus.WAITING:
        raise NotAllowed("Only someone on the waiting list can be given a place.")
    if not _take_place(registration.event_id) or not slots.give_first_free_slot(registration):
        raise NotAllowed("There are no free places. Raise the capacity first.")
    _confirm(registration, now=now)
    record_action(
        AuditAction.REGISTRATION_PROMOTED,
        actor=actor,
        target=registration,
        summary=f"{registration.reference} at {registration.event.title}",
        now=now,
    )
    return registration


def cancel_registration(
    registration: Registration,
    *,
    now: datetime,
    email: Callable | None = None,
    via: ReleaseRoute = ReleaseRoute.TICKET_PAGE,
) -> list[Registration]:
    """Cancel a ticket or waiting-list place; a freed place goes to the next person waiting.

    The person hears by `email` (composed from the cancelled registration): by default the
    email for cancelling your own ticket. A held place records the route it was given back
    by (`via`), and whether someone waiting took it. Returns the people promoted.
    """
    # Locked first: two routes at once (the ticket page and a calendar reply, say) must not
    # both give the place back.
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    if registration.status == RegistrationStatus.CANCELLED:
        raise NotAllowed("This ticket is already cancelled.")
    held_place = registration.holds_place
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.waiting_since = None
    registration.calendar_sequence += 1
    compose = email or messages.cancelled_by_attendee
    queue_email(
        compose(registration), registration_id=registration.id, event_id=registration.event_id
    )
    if not held_place:
        return []
    return release_place(registration, via, now=now)


def change_capacity(event: Event, capacity: int | None, *, now: datetime) -> list[Registration]:
    """Set a new capacity; raising it gives places to the waiting list in order.

    The number itself is checked by the event's rules (`events.details.check_places`); who
    changed it is recorded by the edit that asked for it (`event_changes.update_event`).
    """
    check_places(capacity)
    db.session.refresh(event, with_for_update=True)
    if capacity is not None and capacity < event.confirmed_count:
        raise InvalidInput(
            f"{event.confirmed_count} people already have tickets. "
            "Capacity cannot be lower than that."
        )
    event.capacity = capacity
    db.session.flush()
    return promote_from_waiting_list(event, now=now)
