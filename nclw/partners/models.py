"""Partners' session proposals and the versions reviewers compare."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.accounts.models import User
from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.details import DETAIL_FIELDS
from nclw.events.models import Event, EventDetailsColumns, Organisation
from nclw.extensions import db
from nclw.timezones import utcnow


class ProposalState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            "draft": _("Draft"),
            "submitted": _("Waiting for review"),
            "changes_requested": _("Changes requested"),
            "approved": _("Approved"),
            "declined": _("Declined"),
        }[self.value]


SAFEGUARDING_FIELDS = (
    "safeguarding_lead",
    "safeguarding_contact",
    "staff_dbs_checked",
    "note_to_reviewers",
)
# The fields a partner fills in: an event's details and the safeguarding answers. A version
# snapshot keeps exactly these.
PROPOSAL_FIELDS = DETAIL_FIELDS + SAFEGUARDING_FIELDS


class Proposal(EventDetailsColumns, db.Model):
    """A session a partner organisation would like to run during the week."""

    format_type = "proposal_format"
    audience_type = "proposal_audience"

    __tablename__ = "proposals"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        sa.Index("ix_proposals_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState, "proposal_state"), default=ProposalState.DRAFT
    )
    # Safeguarding: what reviewers need before young people are invited.
    safeguarding_lead: Mapped[str] = mapped_column(sa.String(120))
    safeguarding_contact: Mapped[str] = mapped_column(sa.String(254))
    # None while the partner is not sure yet: a draft may wait for it, sending may not.
    staff_dbs_checked: Mapped[bool | None] = mapped_column(default=None)
    note_to_reviewers: Mapped[str] = mapped_column(sa.Text, default="")
    # Why the reviewer approved despite a "No" in the safeguarding answers (also audited).
    safeguarding_note: Mapped[str | None] = mapped_column(sa.Text)
    # The reviewer's latest words: comments when changes are asked for, or a reason to decline.
    reviewer_comments: Mapped[str | None] = mapped_column(sa.Text)
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Set when approved: the published event this proposal became.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    event: Mapped[Event | None] = relationship()
    versions: Mapped[list[ProposalVersion]] = relationship(
        back_populates="proposal",
        order_by="ProposalVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def latest_version(self) -> ProposalVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def under_18s_allowed(self) -> bool:
        """Whether under-18s may come: the age rule's answer, so the two can never disagree."""
        return self.min_age < 18

    @property
    def is_editable(self) -> bool:
        """Partners edit drafts and proposals sent back to them, nothing else."""
        return self.state in (ProposalState.DRAFT, ProposalState.CHANGES_REQUESTED)


class ProposalVersion(db.Model):
    """What a proposal said when it was submitted, kept so reviewers can compare."""

    __tablename__ = "proposal_versions"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Every field in PROPOSAL_FIELDS, as strings/bools/ints (times as ISO 8601 UTC).
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # The reviewer's comments on this version, when changes were asked for.
    reviewer_comments: Mapped[str | None] = mapped_column(sa.Text)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")


class SessionChangeState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "pending": _("Waiting for review"),
            "approved": _("Approved"),
            "declined": _("Declined"),
            "withdrawn": _("Withdrawn"),
        }[self.value]


class SessionChange(db.Model):
    """A partner's change to a session already on the site, waiting for an organiser.

    The live event stays exactly as it was until the change is approved: people signed up
    for what the page said, and only an organiser may change that.
    """

    __tablename__ = "session_changes"
    __table_args__ = (sa.Index("ix_session_changes_event_state", "event_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[SessionChangeState] = mapped_column(
        enum_column(SessionChangeState, "session_change_state"),
        default=SessionChangeState.PENDING,
    )
    # The changed fields only, as a snapshot stores them (times as ISO 8601 UTC), and what
    # each said on the site when the change was asked for.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)

    event: Mapped[Event] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
