"""A professional books places for several young people they support, in one go.

Each young person gets a ticket of their own, taken one by one in the order given, by the
same guarded UPDATE as any sign-up: a booking can end part confirmed, part waiting.

One live ticket per address per event still holds. A ticket goes to the young person's own
email when they have one, and then that address is the ticket's key, as in any sign-up: if it
already holds a ticket, nothing new is made and its owner gets their ticket again (at most once
an hour), and nobody is told. A ticket with no email of its own goes to the professional, and
is keyed apart by its own reference ("booked:NCLW-7K3Q9P"), so one professional can hold many
tickets for one event, and still sign up for it themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from nclw.addresses import normalise_email, why_we_cannot_email
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed, one_line_text
from nclw.events.models import Audience, Event
from nclw.events.services import sign_up_closed_reason
from nclw.extensions import db
from nclw.i18n import current_language
from nclw.links import absolute_url
from nclw.mail.outbox import compose_email, queue_email
from nclw.registrations import messaging, slots
from nclw.registrations.models import (
    BOOKED_KEY_PREFIX,
    Booking,
    Registration,
    RegistrationStatus,
    ReleaseRoute,
)
from nclw.registrations.queries import find_live_registration
from nclw.registrations.rsvp import new_rsvp_code

# The guarded write every sign-up uses: take a place if one is free, write the ticket, queue
# its email. Shared rather than copied, so a booking can never take places another way.
from nclw.registrations.services import _write_sign_up, cancel_registration, new_reference
from nclw.tokens import MAX_TOKEN_LENGTH, hash_token, new_link_token

MOST_YOUNG_PEOPLE = 10


@dataclass(frozen=True)
class YoungPerson:
    """One young person on a booking: a first name, and their own email if they have one."""

    first_name: str
    email: str = ""


@dataclass(frozen=True)
class Professional:
    """Who is booking: their name, work email, organisation and role."""

    name: str
    email: str
    organisation: str
    role: str


@dataclass(frozen=True)
class BookedTicket:
    """A ticket the professional holds for a young person: what the summary lists."""

    first_name: str
    reference: str
    status: RegistrationStatus


@dataclass(frozen=True)
class BookingResult:
    """What a booking made. Tickets sent to young people's own emails are only counted: the
    professional is never told whether such an address already held a ticket."""

    booking_id: int
    held: list[BookedTicket]
    sent_to_own_email: int
    link_token: str

    @property
    def confirmed(self) -> int:
        return sum(1 for ticket in self.held if ticket.status == RegistrationStatus.CONFIRMED)

    @property
    def waiting(self) -> int:
        return sum(1 for ticket in self.held if ticket.status == RegistrationStatus.WAITING)


EACH_CHOOSES_A_TIME = _l(
    "At this event each young person chooses their own time, so they need to sign up "
    "themselves. Send them the link to the event."
)


def may_book_for_others(event: Event) -> bool:
    """Professionals may book for young people on events open to young people, unless the
    event is split into time slots: each young person chooses their own time, so each signs
    up for it (a booked ticket would hold no time, and every ticket there holds one)."""
    return event.open_to_young_people and not slots.has_slots(event.id)


def declaration(event: Event) -> str:
    """What the professional confirms for every young person, in the event's own rules."""
    if event.audience == Audience.CARE_EXPERIENCED:
        return _(
            "Everyone I am booking for is aged %(ages)s and is in care or has left care "
            "(care experienced).",
            ages=event.age_rule,
        )
    return _("Everyone I am booking for is aged %(ages)s.", ages=event.age_rule)


def check_booking(
    event: Event,
    professional: Professional,
    young_people: Sequence[YoungPerson],
    *,
    declared: bool,
    now: datetime,
) -> None:
    """Refuse a booking the event cannot take, with a message fit to show the professional."""
    if not event.open_to_young_people:
        raise NotAllowed(_("This event is for professionals, so you cannot book for young people."))
    if not may_book_for_others(event):
        raise NotAllowed(str(EACH_CHOOSES_A_TIME))
    if reason := sign_up_closed_reason(event, now=now):
        raise NotAllowed(reason)
    if not young_people:
        raise InvalidInput(_("Enter the first name of at least one young person."))
    if len(young_people) > MOST_YOUNG_PEOPLE:
        raise InvalidInput(
            _("You can book for up to %(most)s young people at once.", most=MOST_YOUNG_PEOPLE)
        )
    if refusal := why_we_cannot_email(professional.email):
        raise InvalidInput(refusal)
    own = [normalise_email(person.email) for person in young_people if person.email]
    if len(own) != len(set(own)):
        raise InvalidInput(_("Each young person needs their own email address, or none."))
    if normalise_email(professional.email) in own:
        raise InvalidInput(
            _("Leave the young person's email empty to have their ticket sent to you.")
        )
    for person in young_people:
        if person.email and (refusal := why_we_cannot_email(person.email)):
            raise InvalidInput(refusal)
    if not declared:
        raise InvalidInput(_("Confirm this: %(declaration)s", declaration=declaration(event)))


def _ticket(event: Event, person: YoungPerson, professional: Professional) -> dict:
    reference = new_reference()
    own = person.email.strip()
    return {
        "event_id": event.id,
        "first_name": person.first_name.strip(),
        "email": own or professional.email.strip(),
        "email_normalised": normalise_email(own) if own else BOOKED_KEY_PREFIX + reference,
        "reference": reference,
        "access_needs": None,
        "access_requests": "",
        "declared_care_experienced": event.audience == Audience.CARE_EXPERIENCED,
        "organisation_name": None,
        "job_role": None,
        "consent_future_events": False,
        "share_with_host": False,
        "discreet": False,
        "rsvp_code": new_rsvp_code(),
        # The professional's language: the young person's emails come in it.
        "language": current_language(),
    }


def _book_one(
    event: Event, person: YoungPerson, professional: Professional, booking: Booking, now
) -> BookedTicket | None:
    """Take a place (or a waiting-list place) for one young person, in a savepoint of its own:
    a clash rolls back only this one. None when their own address already held a ticket."""
    for _attempt in range(3):
        ticket = _ticket(event, person, professional)
        try:
            with db.session.begin_nested():
                registration_id, confirmed = _write_sign_up(ticket, now=now)
                db.session.execute(
                    sa.update(Registration)
                    .where(Registration.id == registration_id)
                    .values(booking_id=booking.id)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:
            existing = person.email and find_live_registration(event, person.email)
            if existing:
                # As a second sign-up would: their ticket again, at most once an hour.
                messaging.resend_ticket(existing, now=now)
                return None
            continue  # a reference collided: try again with a fresh one
        status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
        return BookedTicket(ticket["first_name"], ticket["reference"], status)
    raise NotAllowed(_("We could not save your booking just now. Please try again."))


def book_for_young_people(
    event: Event,
    professional: Professional,
    young_people: Sequence[YoungPerson],
    *,
    declared: bool,
    now: datetime,
) -> BookingResult:
    """Book a place for each young person, in order, and email the professional a summary.

    Places are taken one at a time, so when they run out the rest go on the waiting list.
    The caller commits (everything, or nothing if the summary cannot be queued).
    """
    check_booking(event, professional, young_people, declared=declared, now=now)
    token = new_link_token()
    booking = Booking(
        event_id=event.id,
        name=one_line_text(
            professional.name, _("Enter your name"), limit=120, too_long=_("Your name is too long")
        ),
        email=professional.email.strip(),
        organisation=one_line_text(
            professional.organisation,
            _("Enter your organisation"),
            limit=160,
            too_long=_("Organisation is too long"),
        ),
        role=one_line_text(
            professional.role, _("Enter your role"), limit=120, too_long=_("Role is too long")
        ),
        link_hash=hash_token(token),
        created_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    held: list[BookedTicket] = []
    sent_to_own = 0
    for person in young_people:
        booked = _book_one(event, person, professional, booking, now)
        if person.email:
            sent_to_own += 1
        elif booked is not None:
            held.append(booked)
    result = BookingResult(booking.id, held, sent_to_own, token)
    queue_email(booking_summary(booking, result), event_id=event.id)
    record_action(
        AuditAction.BOOKING_MADE,
        actor=None,
        target=event,
        # Numbers only: the entry keeps nobody's name.
        summary=f"booking {booking.id}: {len(young_people)} young people; "
        f"{result.confirmed} confirmed and {result.waiting} waiting for the professional; "
        f"{sent_to_own} sent to their own email",
        now=now,
    )
    return result


def booking_url(token: str) -> str:
    """The professional's page of their booking: every ticket they hold, to cancel."""
    return absolute_url(f"/bookings/{token}")


def booking_summary(booking: Booking, result: BookingResult):
    """The professional's email: each ticket they hold, its reference and where it stands."""
    event = booking.event
    return compose_email(
        "booking_summary",
        booking.email,
        _("Your booking for young people: %(title)s", title=event.title),
        "mail/booking_summary",
        booking=booking,
        event=event,
        result=result,
        booking_url=booking_url(result.link_token),
    )


def booking_for_link(raw: str) -> Booking | None:
    """The booking a link points at, or None (links are never guessable)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(sa.select(Booking).where(Booking.link_hash == hash_token(raw)))


def event_bookings(event: Event) -> list[Booking]:
    """The bookings professionals made for an event, oldest first: the attendee list's filter."""
    return list(
        db.session.scalars(
            sa.select(Booking).where(Booking.event_id == event.id).order_by(Booking.id)
        )
    )


def held_tickets(booking: Booking) -> list[Registration]:
    """The tickets of a booking that came to the professional, in the order they were booked.

    Tickets sent to a young person's own email are theirs to manage, and are not listed.
    """
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.booking_id == booking.id,
                Registration.email_normalised.startswith(BOOKED_KEY_PREFIX),
                Registration.anonymised_at.is_(None),
            )
            .order_by(Registration.id)
        )
    )


def cancel_booked_ticket(booking: Booking, reference: str, *, now: datetime) -> Registration:
    """The professional cancels one ticket they hold for a young person; the place is passed on."""
    registration = next((r for r in held_tickets(booking) if r.reference == reference), None)
    if registration is None:
        raise NotAllowed(_("That ticket is not part of this booking."))
    cancel_registration(registration, now=now, via=ReleaseRoute.TICKET_PAGE)
    record_action(
        AuditAction.BOOKED_TICKET_CANCELLED,
        actor=None,
        target=registration,
        summary=f"{registration.reference} from booking {booking.id}",
        now=now,
    )
    return registration
