"""The rules for partners' proposals and the sessions they run."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.extensions import db
from nclw.partners.models import Proposal, ProposalState


def proposals_awaiting_review_count() -> int:
    """How many proposals are waiting for an organiser's review."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.state == ProposalState.SUBMITTED)
        )
        or 0
    )
