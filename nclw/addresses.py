"""Email addresses: the one way two of them are compared, and whether we can email one."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

INTERNATIONAL_ADDRESS_REFUSAL = _l(
    "We cannot send email to an address with letters like é or ü before the @ yet. "
    "Please use another email address."
)


def normalise_email(email: str) -> str:
    """Addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def needs_smtputf8(address: str) -> bool:
    """Whether only a mail server that speaks SMTPUTF8 can deliver to this address.

    A non-ASCII domain can be written in ASCII (IDNA); a non-ASCII name before the @ cannot.
    """
    local_part = address.strip().rpartition("@")[0]
    return not local_part.isascii()


def why_we_cannot_email(address: str) -> str | None:
    """Why our mail server could never deliver to this address, or None if it can.

    MAIL_SMTPUTF8 says whether it takes names like josé@…: better said when the address is
    given than a ticket whose every email fails.
    """
    if needs_smtputf8(address) and not current_app.config.get("MAIL_SMTPUTF8"):
        return str(INTERNATIONAL_ADDRESS_REFUSAL)
    return None


def mask_email(address: str) -> str:
    """The address as "s***@g***.com": enough for its owner to know, little for anyone else.

    For telling an old address where a ticket went: it may be a stranger's (a typo is the
    usual reason to change one), who must not learn the person's address.
    """
    local, _, domain = address.strip().rpartition("@")
    name, dot, ending = domain.rpartition(".")
    masked_domain = f"{name[:1]}***{dot}{ending}" if dot else f"{domain[:1]}***"
    return f"{local[:1]}***@{masked_domain}"
