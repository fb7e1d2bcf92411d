"""Composing the account emails: invitations, password resets and sign-in links."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from nclw.mail.outbox import ComposedEmail, compose_email


def _compose(kind: str, to_address: str, subject: str, **context: Any) -> ComposedEmail:
    return compose_email(kind, to_address, subject, f"accounts/email/{kind}", **context)


def invitation(
    to_address: str, *, link: str, role_label: str, inviter: str, expires: str
) -> ComposedEmail:
    """You are invited to the back office or the partner area."""
    return _compose(
        "account_invite",
        to_address,
        _("You are invited to NCLW Events"),
        link=link,
        role_label=role_label,
        inviter=inviter,
        expires=expires,
    )


def password_reset(to_address: str, *, link: str, expires: str) -> ComposedEmail:
    """A single-use link to choose a new password."""
    return _compose(
        "password_reset",
        to_address,
        _("Reset your NCLW Events password"),
        link=link,
        expires=expires,
    )


def sign_in_link(to_address: str, *, link: str, expires: str) -> ComposedEmail:
    """A single-use link to sign in without a password."""
    return _compose(
        "sign_in_link",
        to_address,
        _("Sign in to NCLW Events"),
        link=link,
        expires=expires,
    )
