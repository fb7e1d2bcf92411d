"""Emails for each step of a proposal, composed here and queued by the services."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

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
    names = {"title": proposal.title, "organisation": proposal.organisation.name}
    return _compose(
        "proposal_submitted",
        "proposal_submitted",
        _("New session to review (changed): %(title)s from %(organisation)s", **names)
        if version.number > 1
        else _("New session to review: %(title)s from %(organisation)s", **names),
        proposal,
        to_address,
        version=version,
    )


def changes_requested(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the organisers asked for changes."""
    return _compose(
        "proposal_changes_requested",
        "changes_requested",
        _("Changes needed: %(title)s", title=proposal.title),
        proposal,
        to_address,
    )


def proposal_approved(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the session is approved and on the site."""
    return _compose(
        "proposal_approved",
        "approved",
        _("Approved and published: %(title)s", title=proposal.title),
        proposal,
        to_address,
    )


def proposal_declined(proposal: Proposal, to_address: str) -> ComposedEmail:
    """To the partner: the organisers said no, with a reason."""
    return _compose(
        "proposal_declined",
        "declined",
        _("Not this year: %(title)s", title=proposal.title),
        proposal,
        to_address,
    )
