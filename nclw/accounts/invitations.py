"""Invitations: how organisers bring organisers, partner users and door staff in, and take the
offer back.

An invitation is a one-time link that makes an account. It works only while the organiser who
sent it is still an active organiser, and until it is used, withdrawn or out of date.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from nclw.accounts import messages
from nclw.accounts.models import AccountToken, Role, TokenPurpose, User, role_wording
from nclw.accounts.permissions import is_active_organiser
from nclw.accounts.services import (
    _new_token,
    create_user,
    find_user_by_email,
    find_valid_token,
    use_token,
)
from nclw.addresses import normalise_email, why_we_cannot_email
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Organisation
from nclw.extensions import db
from nclw.links import absolute_url
from nclw.mail.outbox import queue_email
from nclw.timezones import format_moment

INVITE_LIFETIME = timedelta(days=7)
DEAD_LINK = "This invitation link has expired, was withdrawn or has already been used."


def invite_user(
    email: str,
    *,
    role: Role,
    organisation: Organisation | None,
    actor: User,
    now: datetime,
) -> str:
    """Email an invitation to set up an account; returns the raw link token."""
    email = normalise_email(email)
    if refusal := why_we_cannot_email(email):
        raise InvalidInput(refusal)
    if find_user_by_email(email):
        raise InvalidInput("There is already an account with that email address.")
    if role == Role.PARTNER and organisation is None:
        raise InvalidInput("Choose the organisation this partner user belongs to.")
    raw, token = _new_token(
        TokenPurpose.INVITE,
        email,
        INVITE_LIFETIME,
        now=now,
        role=role,
        organisation_id=organisation.id if role == Role.PARTNER and organisation else None,
        created_by_id=actor.id,
    )
    queue_email(
        messages.invitation(
            email,
            link=absolute_url(f"/account/invite/{raw}"),
            role_label=role_wording(role, organisation),
            inviter=actor.name or actor.email,
            expires=format_moment(token.expires_at),
        )
    )
    # The role only: the address stays on the invitation, where the audit page reads it.
    record_action(AuditAction.USER_INVITED, actor=actor, target=token, summary=role.value, now=now)
    return raw


def usable_invitation(raw: str, *, now: datetime) -> AccountToken | None:
    """The invitation this link carries, if it still works: unused, in date, not withdrawn,
    and sent by someone who is still an active organiser."""
    token = find_valid_token(raw, TokenPurpose.INVITE, now=now)
    inviter = db.session.get(User, token.created_by_id) if token and token.created_by_id else None
    return token if is_active_organiser(inviter) else None


def accept_invite(raw: str, *, name: str, password: str, now: datetime) -> User:
    """Turn a valid invitation into an account with the chosen password."""
    token = usable_invitation(raw, now=now)
    if token is None or not use_token(token, now=now):
        raise NotAllowed(DEAD_LINK)
    inviter = db.session.get(User, token.created_by_id)
    organisation = (
        db.session.get(Organisation, token.organisation_id) if token.organisation_id else None
    )
    user = create_user(
        token.email,
        password,
        role=token.role or Role.PARTNER,
        organisation=organisation,
        name=name,
        actor=inviter,
        now=now,
    )
    token.used_at = now
    token.user_id = user.id
    return user


def pending_invitations(*, now: datetime) -> list[AccountToken]:
    """Invitations not yet used and not yet expired."""
    return list(
        db.session.scalars(
            sa.select(AccountToken)
            .where(
                AccountToken.purpose == TokenPurpose.INVITE,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > now,
            )
            .order_by(AccountToken.created_at.desc())
        )
    )


def withdraw_invitation(token: AccountToken, *, actor: User, now: datetime) -> None:
    """Stop an invitation working before it is used (sent to the wrong address, say)."""
    if not is_active_organiser(actor):
        raise Forbidden("Only organisers can withdraw invitations.")
    if token.purpose != TokenPurpose.INVITE or token.used_at is not None or token.expires_at <= now:
        raise NotAllowed("This invitation has already been used or has stopped working.")
    token.expires_at = now
    # No address in the summary: the audit page reads it from the invitation.
    record_action(AuditAction.INVITATION_WITHDRAWN, actor=actor, target=token, now=now)
