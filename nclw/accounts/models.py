"""People who sign in: organisers, partner users and door staff."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.events.models import Event, Organisation
from nclw.extensions import db
from nclw.timezones import utcnow


class Role(enum.StrEnum):
    ORGANISER = "organiser"
    PARTNER = "partner"
    # Checks people in at the events organisers give them, and sees nothing else.
    DOOR_STAFF = "door_staff"


def role_wording(role: Role, organisation: Organisation | None = None) -> str:
    """The role as a sentence has it: 'an organiser', 'a partner user for Catch22', 'door staff'."""
    if role == Role.ORGANISER:
        return _("an organiser")
    if role == Role.DOOR_STAFF:
        return _("door staff")
    if organisation is None:
        return _("a partner user")
    return _("a partner user for %(organisation)s", organisation=organisation.name)


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"
    PASSWORD_RESET = "password_reset"
    # A one-time link to sign in, offered when too many wrong passwords pause signing in.
    SIGN_IN = "sign_in"


class User(db.Model):
    """An organiser, a partner organisation's user, or door staff."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role != 'partner' OR organisation_id IS NOT NULL", name="partner_has_organisation"
        ),
        sa.CheckConstraint(
            "totp_enabled_at IS NULL OR totp_secret IS NOT NULL", name="two_step_has_secret"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Part of the login identity: changing it signs out every existing cookie.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-step sign-in. The secret is kept as the authenticator app has it (base32): we need
    # it to work out each code. Set while setting up; two-step is on once enabled_at is set.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The 30-second time step of the last code accepted: a code seen once is refused after.
    totp_last_counter: Mapped[int | None]

    organisation: Mapped[Organisation | None] = relationship()

    # Flask-Login's protocol, written out so a deactivated user is refused.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def two_step_on(self) -> bool:
        """Signing in asks for a code from an authenticator app after the password."""
        return self.totp_enabled_at is not None

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_door_staff(self) -> bool:
        return self.role == Role.DOOR_STAFF

    @property
    def role_name(self) -> str:
        """The role as a label: 'Organiser', 'Partner user for Catch22', 'Door staff'."""
        if self.role == Role.ORGANISER:
            return _("Organiser")
        if self.role == Role.DOOR_STAFF:
            return _("Door staff")
        if self.organisation is None:
            return _("Partner user")
        return _("Partner user for %(organisation)s", organisation=self.organisation.name)


class AccountToken(db.Model):
    """A single-use, expiring link: an invitation or a password reset."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    # Only a hash is stored: a copy of the database does not hand out working links.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role | None] = mapped_column(enum_column(Role, "token_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class DoorStaffAssignment(db.Model):
    """Door staff may check people in at this event (and at no event they are not given)."""

    __tablename__ = "event_door_staff"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app (a lost phone, say)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only a hash is stored, as for link tokens: a copy of the database lets nobody in.
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
