"""Merging host organisations: one organisation entered twice becomes one again.

Here rather than with the organisations themselves (in events) because a merge moves what
every domain holds for an organisation: its events, its partner users and invitations, and
its proposals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import AccountToken, User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput
from nclw.events.models import Event, Organisation
from nclw.extensions import db
from nclw.partners.models import Proposal

# Everything that names an organisation, moved as one.
_HELD = (
    (Event, Event.host_id),
    (User, User.organisation_id),
    (AccountToken, AccountToken.organisation_id),
    (Proposal, Proposal.organisation_id),
)


@dataclass(frozen=True)
class WhatMoves:
    """What a merge would move, for the organiser to see before saying yes."""

    events: int
    partner_users: int
    invitations: int
    proposals: int


def what_a_merge_moves(duplicate: Organisation, *, now: datetime) -> WhatMoves:
    """Count what merging `duplicate` away would move (invitations still open only)."""

    def count(model, *where) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return WhatMoves(
        events=count(Event, Event.host_id == duplicate.id),
        partner_users=count(User, User.organisation_id == duplicate.id),
        invitations=count(
            AccountToken,
            AccountToken.organisation_id == duplicate.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        ),
        proposals=count(Proposal, Proposal.organisation_id == duplicate.id),
    )


def merge_organisations(
    duplicate: Organisation, into: Organisation, *, actor, now: datetime
) -> Organisation:
    """Move everything of `duplicate` to `into`, then remove `duplicate`; returns `into`."""
    if duplicate.id == into.id:
        raise InvalidInput(_("Choose another organisation to merge this one into."))
    for model, column in _HELD:
        db.session.execute(
            sa.update(model)
            .where(column == duplicate.id)
            .values({column.key: into.id})
            .execution_options(synchronize_session=False)
        )
    into.is_partner = into.is_partner or duplicate.is_partner
    name = duplicate.name
    db.session.delete(duplicate)
    db.session.flush()
    db.session.expire_all()
    record_action(
        AuditAction.ORGANISATION_MERGED,
        actor=actor,
        target=into,
        summary=f"{name} into {into.name}",
        now=now,
    )
    return into
