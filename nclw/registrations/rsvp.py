"""Each ticket's calendar reply address: rsvp+<code>@RSVP_ADDRESS_DOMAIN.

The code is random and unguessable, made for this alone: it is not the ticket link (which
opens the ticket page), so a reply address seen by others opens nothing.
"""

from __future__ import annotations

import secrets

from flask import current_app

from nclw.registrations.models import Registration

RSVP_LOCAL_PART = "rsvp"
# 128 bits, in letters and digits only: some mail servers fold or refuse other characters.
_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
CODE_LENGTH = 26


def new_rsvp_code() -> str:
    """A fresh code for a reply address: 26 characters from 36 (over 128 bits)."""
    # One random number below 36^26, written in base 36: each character is as uniform and
    # independent as 26 separate draws, for a twentieth of the cost (every sign-up makes one).
    number = secrets.randbelow(len(_CODE_ALPHABET) ** CODE_LENGTH)
    characters = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(_CODE_ALPHABET))
        characters.append(_CODE_ALPHABET[digit])
    return "".join(characters)


def rsvp_domain() -> str | None:
    """The domain replies go to, or None when calendar replies are off."""
    return current_app.config.get("RSVP_ADDRESS_DOMAIN") or None


def reply_address(registration: Registration, *, give_code: bool = True) -> str | None:
    """This ticket's reply address, or None when replies are off.

    A ticket made before replies were turned on gets its code here, when an email carrying
    its invite is written (`give_code`); a page that only shows the invite passes False.
    """
    domain = rsvp_domain()
    if domain is None or registration.anonymised_at is not None:
        return None
    if registration.rsvp_code is None:
        if not give_code:
            return None
        registration.rsvp_code = new_rsvp_code()
    return f"{RSVP_LOCAL_PART}+{registration.rsvp_code}@{domain}"


def code_in_address(address: str, domain: str) -> str | None:
    """The code in a reply address like rsvp+<code>@domain, or None if it is not one."""
    local, at, address_domain = (address or "").strip().strip("<>").rpartition("@")
    if not at or address_domain.lower().rstrip(".") != domain.lower():
        return None
    prefix, plus, code = local.partition("+")
    if not plus or prefix.lower() != RSVP_LOCAL_PART:
        return None
    code = code.lower()
    if len(code) != CODE_LENGTH or not all(char in _CODE_ALPHABET for char in code):
        return None
    return code
