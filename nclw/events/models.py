"""Weeks, host organisations and their events."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, query_expression, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.details import (
    TEXT_LIMITS,
    AccessFeature,
    access_list,
    age_question,
    age_rule_words,
)
from nclw.extensions import db
from nclw.timezones import utcnow


class EventFormat(enum.StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {
            "online": _("Online"),
            "in_person": _("In person"),
            "hybrid": _("Online and in person"),
        }[self.value]


class Audience(enum.StrEnum):
    CARE_EXPERIENCED = "care_experienced"
    PROFESSIONALS = "professionals"
    EVERYONE = "everyone"

    @property
    def label(self) -> str:
        return {
            "care_experienced": _("Care-experienced young people only"),
            "professionals": _("Professionals"),
            "everyone": _("Everyone"),
        }[self.value]


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


#: The events anyone may see: a cancelled event keeps its page, to say so.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class QuestionAskers(enum.StrEnum):
    TICKET_HOLDERS = "ticket_holders"
    ANYONE = "anyone"


class OrganisationKind(enum.StrEnum):
    CHARITY = "charity"
    COUNCIL = "council"
    EMPLOYER = "employer"
    PUBLIC_BODY = "public_body"


class Edition(db.Model):
    """One National Care Leavers' Week."""

    __tablename__ = "editions"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    theme: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    events: Mapped[list[Event]] = relationship(back_populates="edition")


class Organisation(db.Model):
    """A charity, council, employer or public body that hosts events."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "org_kind"))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    is_partner: Mapped[bool] = mapped_column(default=False)

    events: Mapped[list[Event]] = relationship(back_populates="host")


class EventDetailsColumns:
    """The columns of an event's details (`events.details.DETAIL_FIELDS`), one way for all.

    Events and partners' proposals keep the same details in the same shape, so a reviewer
    compares like with like and approving a proposal copies them across unchanged.
    """

    # Each table names its own enum types: the CHECK constraints are named after them.
    format_type: ClassVar[str]
    audience_type: ClassVar[str]

    title: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["title"]))
    summary: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["summary"]))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The same in Welsh, shown on Welsh pages; empty where there is none (events.localised).
    title_cy: Mapped[str] = mapped_column(
        sa.String(TEXT_LIMITS["title_cy"]), default="", server_default=""
    )
    summary_cy: Mapped[str] = mapped_column(
        sa.String(TEXT_LIMITS["summary_cy"]), default="", server_default=""
    )
    description_cy: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # "What you will get": one item a line.
    highlights: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue_name: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMITS["venue_name"]))
    address: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMITS["address"]))
    # Private: shown only to confirmed attendees.
    online_url: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMITS["online_url"]))
    capacity: Mapped[int | None]
    # Who may come, by age (events.details.check_ages): 16 and over unless it says more.
    min_age: Mapped[int] = mapped_column(default=16, server_default="16")
    max_age: Mapped[int | None]
    # What it offers for access (events.details.AccessFeature), stored as "bsl,captions".
    access_features: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    @declared_attr
    def format(cls) -> Mapped[EventFormat]:
        return mapped_column(enum_column(EventFormat, cls.format_type))

    @declared_attr
    def audience(cls) -> Mapped[Audience]:
        return mapped_column(enum_column(Audience, cls.audience_type))

    @property
    def access_list(self) -> list[AccessFeature]:
        """What it offers for access, in the list's order."""
        return access_list(self.access_features)

    @property
    def age_rule(self) -> str:
        """'16 and over', '18 to 25'."""
        return age_rule_words(self.min_age, self.max_age)

    @property
    def age_question(self) -> str | None:
        """The one yes/no question sign-up asks for the age rule, or None."""
        return age_question(self.min_age, self.max_age)

    @property
    def open_to_young_people(self) -> bool:
        """Young people may come (everything but events for professionals only)."""
        return self.audience != Audience.PROFESSIONALS


class Event(EventDetailsColumns, db.Model):
    """Something happening during the week that people can sign up for."""

    format_type = "event_format"
    audience_type = "audience"

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        # The backstop against overbooking: no confirmed count can pass the capacity.
        sa.CheckConstraint(
            "confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)",
            name="not_overbooked",
        ),
        sa.Index("ix_events_edition_start", "edition_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="RESTRICT"))
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.DRAFT
    )
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Places held: confirmed tickets and open offers (registrations.offers), kept in step by a
    # guarded UPDATE (see registrations).
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Raised whenever time or place changes, so calendar updates supersede older invites.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    qa_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    qa_askers: Mapped[QuestionAskers] = mapped_column(
        enum_column(QuestionAskers, "question_askers"), default=QuestionAskers.TICKET_HOLDERS
    )
    qa_public_list: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    partner_moderates: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A freed place is offered to the next person waiting, to claim by a deadline, rather
    # than confirmed outright (registrations.offers).
    offers_expire: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A young person may bring one supporter, who takes a place too (registrations.supporters).
    supporters_allowed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # With time slots: people wait for the time they chose, rather than on one list for the
    # event that gives the first free time to whoever is next (registrations.slot_waits).
    waiting_list_per_slot: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="events")
    host: Mapped[Organisation] = relationship(back_populates="events")
    # Whether the event has time slots, and whether its sign-up form asks questions: filled
    # by a query that asks, in the same statement (the sign-up's, where most events have
    # neither and each would otherwise be a query of its own); None where nobody asked.
    has_slots: Mapped[bool | None] = query_expression()
    asks_questions: Mapped[bool | None] = query_expression()

    @property
    def highlight_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.highlights.splitlines() if line.strip()]

    @property
    def places_left(self) -> int | None:
        """Free places, or None when the event has no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        """Every place is taken: a new sign-up joins the waiting list."""
        return self.places_left == 0

    @property
    def is_cancelled(self) -> bool:
        """Cancelled by its organisers: nobody is coming, so nothing is offered for coming."""
        return self.status == EventStatus.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
