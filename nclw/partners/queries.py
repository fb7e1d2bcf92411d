"""Reading proposals and partners' sessions: what each partner and each reviewer may see."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from nclw.accounts.models import User
from nclw.accounts.permissions import can_host
from nclw.events.models import Event
from nclw.extensions import db
from nclw.partners.models import Proposal, ProposalState, SessionChange, SessionChangeState
from nclw.registrations.models import Registration, RegistrationStatus


def proposals_awaiting_review_count() -> int:
    """How many proposals are waiting for an organiser's review."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.state == ProposalState.SUBMITTED)
        )
        or 0
    )


def get_own_proposal(proposal_id: int, *, actor: User) -> Proposal | None:
    """A proposal of the actor's organisation, or None (another partner's looks like nothing)."""
    if not actor.is_partner or actor.organisation_id is None:
        return None
    return db.session.scalar(
        sa.select(Proposal).where(
            Proposal.id == proposal_id, Proposal.organisation_id == actor.organisation_id
        )
    )


def proposals_for_organisation(organisation_id: int) -> list[Proposal]:
    """A partner's proposals, newest first."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.organisation_id == organisation_id)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )


def proposals_for_review() -> list[Proposal]:
    """Every proposal that is not a draft: waiting ones first, then by when they were sent."""
    waiting_first = sa.case((Proposal.state == ProposalState.SUBMITTED, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.state != ProposalState.DRAFT)
            .order_by(waiting_first, Proposal.submitted_at.desc(), Proposal.id.desc())
        )
    )


def get_proposal_for_review(proposal_id: int) -> Proposal | None:
    """A proposal an organiser may see: anything already sent (drafts stay private)."""
    return db.session.scalar(
        sa.select(Proposal).where(Proposal.id == proposal_id, Proposal.state != ProposalState.DRAFT)
    )


@dataclass(frozen=True)
class SessionSummary:
    """One of a partner's sessions with its numbers."""

    event: Event
    confirmed: int
    waiting: int
    sharing: int


def sessions_for_organisation(organisation_id: int) -> list[SessionSummary]:
    """A partner's events with confirmed, waiting and 'shared details' counts, in time order."""
    counts = (
        sa.select(
            Registration.event_id,
            sa.func.sum(
                sa.case((Registration.status == RegistrationStatus.WAITING, 1), else_=0)
            ).label("waiting"),
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(
                            Registration.status != RegistrationStatus.CANCELLED,
                            Registration.share_with_host.is_(True),
                            Registration.anonymised_at.is_(None),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("sharing"),
        )
        .group_by(Registration.event_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Event, counts.c.waiting, counts.c.sharing)
        .outerjoin(counts, counts.c.event_id == Event.id)
        .where(Event.host_id == organisation_id)
        .order_by(Event.starts_at, Event.id)
    )
    return [
        SessionSummary(event, event.confirmed_count, int(waiting or 0), int(sharing or 0))
        for event, waiting, sharing in rows
    ]


def get_own_event(event_id: int, *, actor: User) -> Event | None:
    """An event hosted by the actor's organisation, or None."""
    event = db.session.get(Event, event_id)
    if event is None or not can_host(actor, event):
        return None
    return event


def session_changes_for_review() -> list[SessionChange]:
    """Partners' changes to live sessions: those waiting first, then the latest decided."""
    waiting_first = sa.case((SessionChange.state == SessionChangeState.PENDING, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(SessionChange)
            .where(SessionChange.state != SessionChangeState.WITHDRAWN)
            .order_by(waiting_first, SessionChange.updated_at.desc(), SessionChange.id.desc())
            .limit(50)
        )
    )


def get_session_change(change_id: int) -> SessionChange | None:
    """A change an organiser may review (withdrawn ones were never sent, in effect)."""
    return db.session.scalar(
        sa.select(SessionChange).where(
            SessionChange.id == change_id, SessionChange.state != SessionChangeState.WITHDRAWN
        )
    )


def session_changes_awaiting_review_count() -> int:
    """How many partners' changes are waiting for an organiser."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(SessionChange.id)).where(
                SessionChange.state == SessionChangeState.PENDING
            )
        )
        or 0
    )
