"""The rules of signing up: who may, when, and how places are shared out fairly."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nclw.addresses import normalise_email
from nclw.errors import NotAllowed
from nclw.events.details import store_access
from nclw.events.models import Event
from nclw.events.services import sign_up_closed_reason
from nclw.extensions import db
from nclw.i18n import language
from nclw.mail.outbox import (
    insert_emails_to_compose,
    note_queued,
    queue_email,
    queue_email_to_compose,
)
from nclw.registrations import messages, slot_waits, slots
from nclw.registrations.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Registration,
    RegistrationStatus,
    ReleaseRoute,
)
from nclw.registrations.places import EVENTS, TAKE_PLACE, give_back_places
from nclw.registrations.places import take_places as _take_place
from nclw.registrations.queries import find_live_registration
from nclw.registrations.rsvp import new_rsvp_code
from nclw.registrations.sign_up_details import SignUpDetails, check_details
from nclw.registrations.sign_up_questions import save_answers
from nclw.registrations.supporter_models import Supporter
from nclw.registrations.waiting_list import release_place


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
    return "NCLW-" + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _letter in range(REFERENCE_LENGTH)
    )


_INSERT_REGISTRATION = sa.insert(Registration.__table__).returning(Registration.__table__.c.id)
# On PostgreSQL a plain sign-up is written in one statement. The control runs of the
# concurrency proofs turn this off, to swap the step that takes a place for a naive one.
ONE_STATEMENT_ON_POSTGRESQL = True


def _write_sign_up(
    ticket: dict,
    *,
    now: datetime,
    supporter: dict | None = None,
    slot_id: int | None = None,
    wait: bool = False,
) -> tuple[int, bool]:
    """Take a place if one is free, write the ticket, queue its email: (id, confirmed).

    Core statements rather than ORM objects: nothing here needs an object, and this is the
    busiest request there is. The sender writes the email and its invite later.
    """
    if slot_id is not None:
        return _write_slotted_sign_up(ticket, slot_id, now=now, supporter=supporter, wait=wait)
    if supporter is not None:
        # A pair takes two places in one guarded UPDATE, or waits together: never half.
        return _write_sign_up_in_steps(ticket, now=now, supporter=supporter)
    if ONE_STATEMENT_ON_POSTGRESQL and db.session.get_bind().dialect.name == "postgresql":
        # Every sign-up for an event queues on the event's row lock, from the UPDATE to the
        # COMMIT. One statement for the three writes holds it for one round trip, not three.
        row = db.session.execute(_sign_up_in_one_statement(), {**ticket, "now": now}).one()
        note_queued()
        return row.registration_id, row.kind == _CONFIRMED_KIND
    return _write_sign_up_in_steps(ticket, now=now)


def _write_sign_up_in_steps(
    ticket: dict, *, now: datetime, supporter: dict | None = None, confirmed: bool | None = None
) -> tuple[int, bool]:
    """_write_sign_up as three statements, for databases without UPDATE inside WITH (and
    for a sign-up with a supporter, whose row is a fourth). `confirmed` says whether the
    caller already took the places (True) or the ticket waits (False)."""
    if confirmed is None:
        confirmed = _take_place(ticket["event_id"], 1 if supporter is None else 2)
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
    if supporter is not None:
        db.session.execute(
            sa.insert(Supporter.__table__),
            {**supporter, "registration_id": registration_id, "created_at": now},
        )
    queue_email_to_compose(
        _CONFIRMED_KIND if confirmed else _WAITING_KIND,
        to_address=ticket["email"],
        registration_id=registration_id,
        event_id=ticket["event_id"],
        now=now,
    )
    return registration_id, confirmed


def _write_slotted_sign_up(
    ticket: dict, slot_id: int, *, now: datetime, supporter: dict | None = None, wait: bool
) -> tuple[int, bool]:
    """Take the event's place and the chosen slot's (two each with a supporter), in one
    transaction; a slot someone else took first is refused (the form offers the times still
    free). A person who chose to wait for a full time (slot_waits) joins its waiting list,
    or has its place if one is free after all.

    The event's row is always locked before a slot's, as when a place is given back, so two
    requests never hold one each and wait for the other.
    """
    event_id = ticket["event_id"]
    places = 1 if supporter is None else 2
    if wait:
        slot_waits.lock_places(event_id)
    if _take_place(event_id, places):
        if slots.take_slot(slot_id, event_id, places):
            registration_id, _slot = _write_sign_up_in_steps(
                ticket, now=now, supporter=supporter, confirmed=True
            )
            slots.book(registration_id, slot_id)
            return registration_id, True
        give_back_places(event_id, places)
    if not wait:
        db.session.rollback()
        raise NotAllowed(str(slots.SLOT_GONE if supporter is None else slots.NO_ROOM_FOR_TWO))
    registration_id, _slot = _write_sign_up_in_steps(
        ticket, now=now, supporter=supporter, confirmed=False
    )
    slot_waits.note_wait(registration_id, slot_id)
    return registration_id, False


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
    taken = TAKE_PLACE.values(updated_at=now).returning(EVENTS.c.id).cte("taken_place")
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
        "language",
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


def register(event: Event, details: SignUpDetails, *, now: datetime) -> SignUpResult:
    """Give the person a confirmed ticket if a place is free, else a waiting-list place.

    Commits, because the database decides the race: a second sign-up for the same address
    that slips past the first check is stopped by the unique index and reported as such.
    """
    reason = sign_up_closed_reason(event, now=now)
    if reason:
        raise NotAllowed(reason)
    check_details(event, details)
    slot_waits.check_choice(
        event,
        details.slot_id,
        wait=details.wait_for_slot,
        with_supporter=details.supporter is not None,
    )

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
            "language": language(details.language).code,
        }
        try:
            registration_id, confirmed = _write_sign_up(
                ticket,
                now=now,
                supporter=_supporter_row(details),
                slot_id=details.slot_id,
                wait=details.wait_for_slot,
            )
        except IntegrityError:
            db.session.rollback()
            existing = find_live_registration(event, details.email)
            if existing:
                return SignUpResult.existing(existing)
            continue  # a reference collided: try again with a fresh one
        save_answers(registration_id, dict(details.answers))
        db.session.commit()
        status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
        return SignUpResult(registration_id, status)
    raise NotAllowed(_("We could not save your sign-up just now. Please try again."))


def _supporter_row(details: SignUpDetails) -> dict | None:
    if details.supporter is None:
        return None
    return {"first_name": details.supporter.first_name.strip(), "role": details.supporter.role}


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
        raise NotAllowed(_("This ticket is already cancelled."))
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
