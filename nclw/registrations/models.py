"""Free tickets and places on the waiting list."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.accounts.models import User
from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.details import AccessFeature, access_list
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.timezones import format_moment, utcnow

# No 0/O, 1/I/L or U/V: a reference read out over the phone survives being misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REFERENCE_LENGTH = 6
# The key of a ticket a professional holds for a young person with no email of their own
# (registrations.bookings): "booked:" and its reference, where other tickets have an address.
BOOKED_KEY_PREFIX = "booked:"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    # Offered a place that came up, held for them until the offer's deadline (registrations.offers).
    OFFERED = "offered"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """How the status reads to people: in spreadsheets and on the partner's list."""
        return {
            "confirmed": _("Confirmed"),
            "offered": _("Offered a place"),
            "waiting": _("On the waiting list"),
            "cancelled": _("Cancelled"),
        }[self.value]


class ReleaseRoute(enum.StrEnum):
    """How a held place was given back: the report counts each route."""

    TICKET_PAGE = "ticket_page"
    REMINDER = "reminder"
    CALENDAR_REPLY = "calendar_reply"
    ORGANISER = "organiser"
    # An offer from the waiting list that was not claimed in time.
    EXPIRED_OFFER = "expired_offer"

    @property
    def label(self) -> str:
        """How the route reads in a report."""
        return {
            "ticket_page": _("On their ticket page"),
            "reminder": _("From a reminder email"),
            "calendar_reply": _("By saying no in their calendar"),
            "organiser": _("By the organisers"),
            "expired_offer": _("An offered place ran out"),
        }[self.value]


class CalendarAnswer(enum.StrEnum):
    """What a person last answered to our invite in their calendar (iTIP PARTSTAT)."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class Booking(db.Model):
    """A professional's booking of places for young people they support (registrations.bookings).

    Its tickets point at it. The professional's page of the booking is reached by a link sent
    once, in the summary email; only its hash is kept.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(160))
    role: Mapped[str] = mapped_column(sa.String(120))
    link_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def booked_by(self) -> str:
        """'Booked by Jo Bell, Luton Leaving Care', as organisers read it."""
        return _(
            "Booked by %(name)s, %(organisation)s", name=self.name, organisation=self.organisation
        )


class Registration(db.Model):
    """One person's ticket (or waiting-list place) for one event."""

    __tablename__ = "registrations"
    __table_args__ = (
        # One live ticket per address per event; a cancelled one does not block signing up again.
        sa.Index(
            "uq_registrations_event_email_live",
            "event_id",
            "email_normalised",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_registrations_event_status", "event_id", "status", "id"),
        sa.CheckConstraint(
            "status != 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_deadline"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str] = mapped_column(sa.String(254))
    email_normalised: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "registration_status")
    )
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When the person joined the waiting list: the list is served in this order.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the organisers cancelled the ticket: their reason, which the person reads on
    # their ticket and in the email. Empty when the person cancelled it themselves.
    cancellation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # A place offered from the waiting list is held until this deadline (registrations.offers).
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when an offer ran out unclaimed and passed to the next person: the ticket is
    # cancelled then, and this is how reports count places released by an expired offer.
    offer_expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    no_show: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Seen only by organisers (the host sees only how many asked for each listed need).
    access_needs: Mapped[str | None] = mapped_column(sa.String(500))
    # Needs from the list events describe themselves with (events.details.AccessFeature).
    access_requests: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    declared_care_experienced: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    organisation_name: Mapped[str | None] = mapped_column(sa.String(160))
    job_role: Mapped[str | None] = mapped_column(sa.String(120))
    consent_future_events: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    share_with_host: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Discreet emails and calendar entries: phones show subjects on the lock screen, and
    # calendars are often shared, so nothing the person gets says "care" or names the event
    # where others may see it (registrations.messages, mail.ical).
    discreet: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The language the person signed up in (nclw/i18n.py): every later email, reminder and
    # invite is written in it, and they can change it from their ticket page.
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    # iCalendar SEQUENCE for this ticket's invite; raised on every change the calendar must see.
    calendar_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # The unguessable part of this ticket's calendar reply address (rsvp+<code>@...): not the
    # ticket link, which opens the ticket page. Forgotten with the person's details.
    rsvp_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    calendar_answer: Mapped[CalendarAnswer | None] = mapped_column(
        enum_column(CalendarAnswer, "calendar_answer")
    )
    calendar_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a held place was given back, by the route it went; empty otherwise.
    released_via: Mapped[ReleaseRoute | None] = mapped_column(
        enum_column(ReleaseRoute, "release_route")
    )
    # The released place went straight to someone from the waiting list.
    place_taken_again: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Set when personal details were removed (purge or "Delete my details").
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a professional booked this place for a young person (registrations.bookings).
    booking_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship()
    booking: Mapped[Booking | None] = relationship()

    @property
    def cancelled_by_organisers(self) -> bool:
        return self.cancellation_reason is not None

    @property
    def access_request_list(self) -> list[AccessFeature]:
        """The listed needs the person asked for."""
        return access_list(self.access_requests)

    @property
    def has_access_needs(self) -> bool:
        """The person told us about access needs, from the list or in their own words."""
        return bool(self.access_requests or self.access_needs)

    @property
    def held_for_someone(self) -> bool:
        """A professional holds this ticket for a young person: it comes to the professional."""
        return self.email_normalised.startswith(BOOKED_KEY_PREFIX)

    @property
    def audit_summary(self) -> str:
        """What the audit log keeps about a ticket an action was done to: never a name."""
        return f"{self.reference} at {self.event.title}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_offered(self) -> bool:
        return self.status == RegistrationStatus.OFFERED

    @property
    def holds_place(self) -> bool:
        """A confirmed ticket or an open offer: either counts against the capacity."""
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)

    @property
    def is_waiting(self) -> bool:
        return self.status == RegistrationStatus.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def standing(self) -> str:
        """Where a live ticket stands, as its holder's emails say it: 'confirmed', 'offered a
        place, to claim by ...' or 'on the waiting list'."""
        if self.is_offered and self.offer_expires_at is not None:
            # Translators: said in an email, after "Your place is" or the like.
            return _(
                "offered a place, to claim by %(deadline)s",
                deadline=format_moment(self.offer_expires_at),
            )
        return _("confirmed") if self.is_confirmed else _("on the waiting list")

    @property
    def status_words(self) -> str:
        """Where the ticket stands, as an organiser reads it."""
        if self.is_confirmed:
            return _("Confirmed")
        if self.is_waiting:
            return _("On the waiting list")
        if self.is_offered:
            return _("Offered a place")
        if self.offer_expired_at is not None:
            return _("Offer ran out")
        if self.cancelled_by_organisers:
            # Emptied when the person's details are deleted: the reason may name them.
            reason = self.cancellation_reason
            return (
                _("Cancelled by the organisers: %(reason)s", reason=reason)
                if reason
                else _("Cancelled by the organisers")
            )
        return _("Cancelled by them")


class TicketLink(db.Model):
    """One link to a ticket page, sent in one email; only its hash is kept.

    Each email gets a link of its own, so the database never needs (or holds) a link that
    works: the words of an email are forgotten once it is sent. Every link a person was sent
    keeps working until their details are deleted.
    """

    __tablename__ = "ticket_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MessageAudience(enum.StrEnum):
    """Who an organiser's message goes to."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CHECKED_IN = "checked_in"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "confirmed": _("People with a confirmed ticket"),
            "waiting": _("People on the waiting list"),
            "checked_in": _("People who checked in"),
            "all": _("Everyone with a ticket or on the waiting list"),
        }[self.value]


class EventMessageState(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"


class EventMessage(db.Model):
    """An organiser's message to an event's people: sent, or waiting for the time it was set.

    Who gets it is worked out when it goes, so a message set for Friday reaches whoever holds
    a ticket on Friday. Its emails are in the outbox; EventMessageEmail says which.
    """

    __tablename__ = "event_messages"
    __table_args__ = (
        # `flask nclw send-scheduled-messages` looks for these: waiting, and due.
        sa.Index("ix_event_messages_state_send_at", "state", "send_at"),
        sa.CheckConstraint(
            "state != 'scheduled' OR send_at IS NOT NULL", name="scheduled_has_send_at"
        ),
        sa.CheckConstraint("recipients >= 0", name="recipients_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[MessageAudience] = mapped_column(
        enum_column(MessageAudience, "message_audience")
    )
    # Sent to people ticked on the attendee list, rather than to all of the audience.
    to_chosen: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[EventMessageState] = mapped_column(
        enum_column(EventMessageState, "event_message_state")
    )
    # When it was set to go; empty for a message sent straight away.
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many emails were queued when it went.
    recipients: Mapped[int | None] = mapped_column()
    # Who wrote it (sent it, or set it to go later); kept as an id, named when shown.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_scheduled(self) -> bool:
        return self.state == EventMessageState.SCHEDULED

    @property
    def was_scheduled(self) -> bool:
        """Set to go later, rather than sent when it was written."""
        return self.send_at is not None


class EventMessageEmail(db.Model):
    """One email in the outbox that an organiser's message became."""

    __tablename__ = "event_message_emails"

    event_message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_messages.id", ondelete="CASCADE"), primary_key=True
    )
    # Deleting a person's details deletes their emails, and with them this row.
    outbox_message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    outbox_message: Mapped[OutboxMessage] = relationship()


class MessageTemplate(db.Model):
    """A message organisers saved to start from again: a name, a subject and the words."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
