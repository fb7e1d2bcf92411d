"""Which passwords we accept: long enough, not common, no composition rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from nclw.errors import InvalidInput

MIN_LENGTH = 8
# Long passphrases are welcome; the cap only stops a huge body being hashed on every request.
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached-style passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def check_password(password: str, *, email: str = "") -> None:
    """Refuse a password that is too short, too long, common or just the email address."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            _("Your password must be at least %(num)d characters long.", num=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(_("Your password must be %(num)d characters or fewer.", num=MAX_LENGTH))
    lowered = password.strip().lower()
    email = email.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        raise InvalidInput(
            _("That password is too common and easy to guess. Try a few unrelated words together.")
        )
    if email and lowered in {email, email.split("@")[0]}:
        raise InvalidInput(_("Your password cannot be your email address."))
