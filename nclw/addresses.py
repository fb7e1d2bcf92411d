"""Email addresses: the one way two of them are compared, for tickets and accounts alike."""

from __future__ import annotations


def normalise_email(email: str) -> str:
    """Addresses compare without case or surrounding spaces."""
    return email.strip().lower()
