"""Composing the account emails: invitations and password resets."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from nclw.mail.outbox import ComposedEmail


def _compose(kind: str, to_address: str, subject: str, **context: Any) -> ComposedEmail:
    context = {
        "site_name": current_app.config["SITE_NAME"],
        "contact_email": current_app.config["CONTACT_EMAIL"],
        **context,
    }
    return ComposedEmail(
        kind=kind,
        to_address=to_address,
        subject=subject,
        text_body=render_template(f"accounts/email/{kind}.txt", **context),
        html_body=render_template(f"accounts/email/{kind}.html", **context),
    )


def invitation(
    to_address: str, *, link: str, role_label: str, inviter: str, expires: str
) -> ComposedEmail:
    """You are invited to the back office or the partner area."""
    return _compose(
        "account_invite",
        to_address,
        "You are invited to NCLW Events",
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
        "Reset your NCLW Events password",
        link=link,
        expires=expires,
    )
