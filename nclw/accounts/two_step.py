"""The rules of two-step sign-in: a code from an authenticator app after the password.

Codes are TOTP (RFC 6238): six digits worked out from a shared secret and the time, a new
one every 30 seconds. Recovery codes stand in for the app when it is lost; each works once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.security import check_password_hash

from nclw.accounts.models import RecoveryCode, User
from nclw.accounts.services import end_sessions
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.guarded import guarded_update

RECOVERY_CODE_COUNT = 10
# With this many unused recovery codes or fewer, the person is told to make a new set.
FEW_RECOVERY_CODES = 3
# Codes from the step before and the step after are taken too: a phone's clock may be a
# little out, and a code typed just as it changed is still the person's.
VALID_WINDOW = 1
# No 0/o, 1/l/i: a recovery code is copied by hand from paper.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 10
WRONG_CODE = _l("That code is not right. Check that you typed the newest code your app shows.")


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret or "")


def _digits(code: str) -> str:
    """A code as typed, without the spaces and dashes people put in."""
    return "".join(code.split()).replace("-", "")


def setup_link(user: User, *, issuer: str) -> str:
    """The otpauth:// address in the QR code: an authenticator app reads the secret from it."""
    return _totp(user).provisioning_uri(name=user.email, issuer_name=issuer)


def secret_in_groups(user: User) -> list[str]:
    """The secret in groups of four letters, for typing into an app instead of scanning."""
    secret = user.totp_secret or ""
    return [secret[start : start + 4] for start in range(0, len(secret), 4)]


def begin_two_step(user: User) -> None:
    """Make a new secret for the person to add to their app; two-step is not on yet.

    Starting again makes a new secret: one shown on a page left open earlier stops working.
    """
    if user.two_step_on:
        raise NotAllowed(_("Two-step sign-in is already on."))
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = None


def _matching_step(user: User, code: str, now: datetime) -> int | None:
    """The time step whose code this is (within the window), or None."""
    code = _digits(code)
    if not user.totp_secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = _totp(user)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_step(user: User, step: int) -> bool:
    """Note this step as used, unless it (or a later one) was already: a guarded UPDATE.

    So a code overheard or read over a shoulder cannot be used again, even by a request
    racing the person's own.
    """
    if not guarded_update(
        User,
        User.id == user.id,
        sa.or_(User.totp_last_counter.is_(None), User.totp_last_counter < step),
        totp_last_counter=step,
    ):
        return False
    user.totp_last_counter = step
    return True


def check_code(user: User, code: str, *, now: datetime) -> bool:
    """Whether this is a current code from the person's app, not used before; uses it up."""
    step = _matching_step(user, code, now)
    return step is not None and _accept_step(user, step)


def _hash_recovery_code(user_id: int, code: str) -> str:
    # SHA-256, not a slow password hash: the codes are random (about 50 bits each), so no
    # list of likely guesses exists to try against a copy of the database, and a plain hash
    # can be looked up. The account's id goes in, so two accounts never share a hash.
    normalised = _digits(code).lower()
    return hashlib.sha256(f"{user_id}:{normalised}".encode()).hexdigest()


def _new_recovery_code() -> str:
    code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _position in range(_RECOVERY_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _number in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user.id, code), created_at=now)
        for code in codes
    )
    db.session.flush()
    return codes


def turn_on_two_step(user: User, code: str, *, now: datetime) -> list[str]:
    """Turn two-step on once a code from the app proves it was set up; the recovery codes.

    The codes are returned this once and only their hashes kept. Every other signed-in
    session ends: one begun with just a password must not outlive the change.
    """
    if user.two_step_on:
        raise NotAllowed(_("Two-step sign-in is already on."))
    if not user.totp_secret:
        raise NotAllowed(_("Start setting up two-step sign-in again."))
    if not check_code(user, code, now=now):
        raise InvalidInput(str(WRONG_CODE))
    user.totp_enabled_at = now
    codes = _replace_recovery_codes(user, now)
    end_sessions(user)
    record_action(AuditAction.USER_TWO_STEP_TURNED_ON, actor=user, target=user, now=now)
    return codes


def renew_recovery_codes(user: User, *, now: datetime) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    if not user.two_step_on:
        raise NotAllowed(_("Two-step sign-in is not on."))
    codes = _replace_recovery_codes(user, now)
    record_action(AuditAction.USER_RECOVERY_CODES_RENEWED, actor=user, target=user, now=now)
    return codes


def recovery_codes_left(user: User) -> int:
    """How many of the person's recovery codes are still unused."""
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def sign_in_with_code(user: User, code: str, *, now: datetime) -> None:
    """Finish signing in with a current code from the app (the password came first)."""
    if not user.active or not user.two_step_on or not check_code(user, code, now=now):
        raise InvalidInput(str(WRONG_CODE))
    user.last_sign_in_at = now


def sign_in_with_recovery_code(user: User, code: str, *, now: datetime) -> int:
    """Finish signing in with an unused recovery code, using it up; how many are left.

    A guarded UPDATE: the same code sent twice at once works once.
    """
    wrong = InvalidInput(_("That recovery code is not right, or it has been used already."))
    if not user.active or not user.two_step_on or not 0 < len(code) <= 40:
        raise wrong
    if not guarded_update(
        RecoveryCode,
        RecoveryCode.user_id == user.id,
        RecoveryCode.code_hash == _hash_recovery_code(user.id, code),
        RecoveryCode.used_at.is_(None),
        used_at=now,
    ):
        raise wrong
    user.last_sign_in_at = now
    left = recovery_codes_left(user)
    record_action(
        AuditAction.USER_RECOVERY_CODE_USED,
        actor=user,
        target=user,
        summary=f"{left} left",
        now=now,
    )
    return left


def recovery_codes_left_message(left: int) -> str:
    """What to tell someone who has just used a recovery code."""
    if left == 0:
        return _(
            "You have used your last recovery code. Make a new set now, from your account page."
        )
    if left <= FEW_RECOVERY_CODES:
        return ngettext(
            "You have used a recovery code. Only %(num)d left: "
            "make a new set soon, from your account page.",
            "You have used a recovery code. Only %(num)d left: "
            "make a new set soon, from your account page.",
            left,
        )
    return ngettext(
        "You have used a recovery code. You have %(num)d left.",
        "You have used a recovery code. You have %(num)d left.",
        left,
    )


@dataclass(frozen=True)
class TwoStepStatus:
    """What the account page says about two-step sign-in."""

    on: bool
    codes_left: int
    running_low: bool

    @property
    def codes_left_in_words(self) -> str:
        return ngettext(
            "%(num)d unused recovery code", "%(num)d unused recovery codes", self.codes_left
        )


def two_step_status(user: User) -> TwoStepStatus:
    """Whether two-step is on for the person, and how many recovery codes they have left."""
    left = recovery_codes_left(user) if user.two_step_on else 0
    return TwoStepStatus(user.two_step_on, left, user.two_step_on and left <= FEW_RECOVERY_CODES)


def _switch_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off_two_step(user: User, *, password: str = "", code: str = "", now: datetime) -> None:
    """Turn two-step off, given the current password or a current code from the app."""
    if not user.two_step_on:
        raise NotAllowed(_("Two-step sign-in is already off."))
    if password:
        proved = bool(user.password_hash) and check_password_hash(user.password_hash, password)
    elif code:
        proved = check_code(user, code, now=now)
    else:
        raise InvalidInput(_("Enter your password or a code from your authenticator app."))
    if not proved:
        raise InvalidInput(_("That password or code is not right."))
    _switch_off(user)
    record_action(AuditAction.USER_TWO_STEP_TURNED_OFF, actor=user, target=user, now=now)


def reset_two_step(user: User, *, actor: User | None, now: datetime) -> None:
    """Turn two-step off for someone who has lost both their app and their recovery codes.

    For the people who run the site (a command, not a page): they must first be sure who is
    asking. The person can sign in with their password, then set it up again.
    """
    if not user.two_step_on:
        raise NotAllowed(f"Two-step sign-in is not on for {user.email}.")
    _switch_off(user)
    end_sessions(user)
    record_action(
        AuditAction.USER_TWO_STEP_TURNED_OFF,
        actor=actor,
        target=user,
        summary="by the people who run the site: the app and recovery codes were lost",
        now=now,
    )
