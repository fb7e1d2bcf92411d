"""The rules of accounts: creating them, signing in and out, invitations and resets."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from nclw.accounts.door_staff import end_assignments
from nclw.accounts.models import AccountToken, Role, TokenPurpose, User
from nclw.accounts.passwords import check_password
from nclw.accounts.permissions import is_active_organiser
from nclw.addresses import normalise_email
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Organisation
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.tokens import MAX_TOKEN_LENGTH, hash_token, new_link_token

PASSWORD_METHOD = "scrypt"


# Checked when no account matches, so a wrong address takes as long as a wrong password.
# Written out rather than made at import: scrypt takes a fifth of a second, which every
# worker, command and mail sender paid on starting. It is no one's password; its cost is
# the one `hash_password` uses today (a test says so).
DUMMY_HASH = (
    "scrypt:32768:8:1$WKGPo0DWD5Sr0M5m$ac7d74af305a6649a7ff2332ac495efaff14acdba09504348438040aa8"
    "af0c5913662af557681f3a8ef764564797f0cd30ab4112d5cbc85fe187729d483ade01"
)


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def new_session_token() -> str:
    """A fresh value for User.session_token; changing it signs out every old cookie."""
    return secrets.token_hex(32)


def find_user_by_email(email: str) -> User | None:
    """The account with this address, if there is one."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    password: str,
    *,
    role: Role,
    organisation: Organisation | None = None,
    name: str = "",
    actor: User | None,
    now: datetime,
) -> User:
    """Make an account that can sign in; partner users belong to an organisation."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise InvalidInput(_("There is already an account with that email address."))
    if role == Role.PARTNER and organisation is None:
        raise InvalidInput(_("Choose the organisation this partner user belongs to."))
    check_password(password, email=email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        organisation=organisation if role == Role.PARTNER else None,
        password_hash=hash_password(password),
        session_token=new_session_token(),
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    # The role only: the log outlives the account's details, and the audit page names the
    # person from their account as it is when the page is read.
    record_action(AuditAction.USER_CREATED, actor=actor, target=user, summary=role.value, now=now)
    return user


def authenticate(email: str, password: str, *, now: datetime) -> User | None:
    """The active user with this email and password, or None (never saying which was wrong)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    if not user.two_step_on:  # else they are signed in only once the code is right too
        user.last_sign_in_at = now
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every cookie issued before now stops working."""
    user.session_token = new_session_token()


def _new_token(
    purpose: TokenPurpose, email: str, lifetime: timedelta, *, now: datetime, **fields
) -> tuple[str, AccountToken]:
    raw = new_link_token()
    token = AccountToken(
        purpose=purpose,
        token_hash=hash_token(raw),
        email=email,
        created_at=now,
        expires_at=now + lifetime,
        **fields,
    )
    db.session.add(token)
    db.session.flush()
    return raw, token


def find_valid_token(raw: str, purpose: TokenPurpose, *, now: datetime) -> AccountToken | None:
    """The unused, unexpired token this link carries, or None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(
        sa.select(AccountToken).where(
            AccountToken.token_hash == hash_token(raw), AccountToken.purpose == purpose
        )
    )
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    return token


def use_token(token: AccountToken, *, now: datetime) -> bool:
    """Mark a one-time link used, if nobody else has just done so (a guarded UPDATE).

    The same link opened in several tabs at once works once; the others are told it has
    been used, instead of racing to do the same thing twice.
    """
    if not guarded_update(
        AccountToken, AccountToken.id == token.id, AccountToken.used_at.is_(None), used_at=now
    ):
        return False
    token.used_at = now
    return True


def reset_password(raw: str, password: str, *, now: datetime) -> User:
    """Set a new password from a valid reset link, and sign out every other session."""
    token = find_valid_token(raw, TokenPurpose.PASSWORD_RESET, now=now)
    user = token.user if token else None
    if token is None or user is None or not user.active:
        raise NotAllowed(_("This reset link has expired or has already been used."))
    check_password(password, email=user.email)
    user.password_hash = hash_password(password)
    end_sessions(user)
    # Every outstanding reset or sign-in link for this account stops working, not just this.
    db.session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose.in_([TokenPurpose.PASSWORD_RESET, TokenPurpose.SIGN_IN]),
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    record_action(AuditAction.USER_PASSWORD_RESET, actor=user, target=user, now=now)
    return user


def set_user_active(user: User, active: bool, *, actor: User, now: datetime) -> None:
    """Let a user sign in again, or stop them (signing them out at once).

    Like a role change, only an active organiser may, checked on the locked accounts: an
    organiser demoted a moment ago cannot then stop the last organiser signing in.
    """
    if user.id == actor.id and not active:
        raise NotAllowed(_("You cannot deactivate your own account."))
    _lock_accounts(user, actor)
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can let people sign in or stop them."))
    user.active = active
    if not active:
        end_sessions(user)
        end_invitations_from(user, now=now)
    # No summary: the email it used to hold is the account's, and the page reads it from there.
    record_action(
        AuditAction.USER_ACTIVATED if active else AuditAction.USER_DEACTIVATED,
        actor=actor,
        target=user,
        now=now,
    )


def end_invitations_from(user: User, *, now: datetime) -> None:
    """Stop the unused invitations someone sent: they speak for an organiser who no longer is."""
    db.session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.purpose == TokenPurpose.INVITE,
            AccountToken.created_by_id == user.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def role_would_change(user: User, role: Role, organisation: Organisation | None) -> bool:
    """Whether making the user this role (of this organisation) would change anything."""
    if role == Role.PARTNER:
        return user.role != role or user.organisation_id != getattr(organisation, "id", None)
    return user.role != role


def _role_label(role: Role, organisation: Organisation | None) -> str:
    return f"{role.value} ({organisation.name})" if organisation else role.value


def _lock_accounts(*users: User) -> None:
    """Lock these accounts until the transaction ends, and reload them as they now are.

    Locked in id order, so two organisers changing each other's roles at the same moment queue
    one behind the other instead of deadlocking. SQLite has no row locks: there a write takes
    its single write lock, so a no-op write comes first.
    """
    ids = sorted({user.id for user in users})
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.update(User)
            .where(User.id.in_(ids))
            .values(role=User.role)
            .execution_options(synchronize_session=False)
        )
    db.session.scalars(
        sa.select(User)
        .where(User.id.in_(ids))
        .order_by(User.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def change_role(
    user: User, role: Role, *, organisation: Organisation | None, actor: User, now: datetime
) -> bool:
    """Make a user an organiser, door staff or a partner user of an organisation, and sign
    them out.

    Only an active organiser may change roles, and never their own: whoever makes a change
    stays an organiser, so the site can never lose its last one (the accounts are locked
    first, so two organisers demoting each other at once cannot both succeed). Returns False
    when the user already had this role, and changes nothing.
    """
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can change someone's role."))
    if user.id == actor.id:
        raise NotAllowed(
            _("You cannot change your own role. Ask another organiser if it needs changing.")
        )
    if role == Role.PARTNER and organisation is None:
        raise InvalidInput(_("Choose the organisation this partner user belongs to."))
    _lock_accounts(user, actor)
    # Checked again on the locked rows: the actor may have lost the role a moment ago.
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can change someone's role."))
    if not role_would_change(user, role, organisation):
        return False
    before = _role_label(user.role, user.organisation)
    user.role = role
    user.organisation = organisation if role == Role.PARTNER else None
    # What they may see changes at once, not when their old session happens to end.
    end_sessions(user)
    if role != Role.ORGANISER:
        end_invitations_from(user, now=now)
    if role != Role.DOOR_STAFF:
        # Made door staff again later, they start with no events, not with old ones.
        end_assignments(user)
    record_action(
        AuditAction.USER_ROLE_CHANGED,
        actor=actor,
        target=user,
        # Roles only, never the email: the audit page names the person from their account.
        summary=f"{before} to {_role_label(role, user.organisation)}",
        now=now,
    )
    return True


# The order the people page lists roles in.
_ROLE_ORDER = {Role.ORGANISER: 0, Role.PARTNER: 1, Role.DOOR_STAFF: 2}


def list_users() -> list[User]:
    """Every account: organisers first, then partner users, then door staff."""
    order = sa.case(_ROLE_ORDER, value=User.role, else_=len(_ROLE_ORDER))
    return list(db.session.scalars(sa.select(User).order_by(order, User.email)))


def change_name(user: User, name: str, *, now: datetime) -> None:
    """The name others see in the back office and the audit log."""
    name = " ".join(name.split())
    if len(name) > 120:
        raise InvalidInput(_("Your name must be 120 characters or fewer."))
    user.name = name
    # Not the name itself: a name kept in the log would outlive the account's details.
    record_action(AuditAction.USER_RENAMED, actor=user, target=user, now=now)


def change_password(user: User, current: str, new: str, *, now: datetime) -> None:
    """A new password, given the current one; every other signed-in session ends."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise InvalidInput(_("Your current password is not right."))
    check_password(new, email=user.email)
    user.password_hash = hash_password(new)
    end_sessions(user)
    record_action(AuditAction.USER_PASSWORD_CHANGED, actor=user, target=user, now=now)


def sign_out_everywhere(user: User, *, now: datetime) -> None:
    """End every session of this account, on every device (this one too)."""
    end_sessions(user)
    record_action(AuditAction.USER_SIGNED_OUT_EVERYWHERE, actor=user, target=user, now=now)
