"""Emails for each step of a proposal, composed here and queued by the services."""

from __future__ import annotations

from typing import Any

from nclw.links import absolute_url, event_url
from nclw.mail.outbox import ComposedEmail, compose_email
from nclw.partners.models import Proposal, ProposalVersion
from nclw.timezones import format_when


def _compose(
    kind: str, template: str, subject: str, proposal: Proposal, to_address: str, **extra: Any
) -> ComposedEmail:
    return compose_email(
        kind,
        to_address,
        subject,
        f"partners/mail/{template}",
        proposal=proposal,
        organisation=proposal.organisation,
        when=format_when(proposal.starts_at, proposal.ends_at),
        partner_url=absolute_url(f"/partner/proposals/{proposal.id}"),
        review_url=absolute_url(f"/admin/proposals/{proposal.id}"),
        event_url=event_url(proposal.event.slug) if proposal.event else None,
        **extra,
    )


def proposal_submitted(
    proposal: Proposal, to_address: str, *, version: ProposalVersion
) -> ComposedEmail:
    """To an organiser: a partner sent a proposal (or a changed one) for review."""
    again = " (changed)" if version.number > 1 else ""
    return _compose(
        "proposal_submitted",
        "proposal_submitted",
        f"New session to review{again}: {proposal.title} from {proposal.organisation.name}",
        proposal,
        to_address,
        version=version,
    )


def changes_requested(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the organisers asked for changes."""
    return _compose(
        "proposal_changes_requested",
        "changes_requested",
        f"Changes needed: {proposal.title}",
        proposal,
        to_address,
    )


def proposal_approved(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the session is approved and on the site."""
    return _compose(
        "proposal_approved",
        "approved",
        f"Approved and published: {proposal.title}",
        proposal,
        to_address,
    )


def proposal_declined(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the organisers said no, with a reason."""
    return _compose(
        "proposal_declined",
        "declined",
        f"Not this year: {proposal.title}",
        proposal,
        to_address,
    )
