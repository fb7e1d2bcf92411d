"""Link tokens: the unguessable secrets in the links we email, kept only as hashes.

A copy of the database then holds no working link: not an invitation, a password reset or a
ticket. TOKEN_HASH_KEY, when set, keys the hash, so the database alone cannot even be used to
test a guessed token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

# Longer than any token we issue (43 characters); longer input is refused before hashing.
MAX_TOKEN_LENGTH = 100


def new_link_token() -> str:
    """A fresh token (256 bits) for a link in an email."""
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    """The only form of a link token we store (keyed when TOKEN_HASH_KEY is set)."""
    key = current_app.config.get("TOKEN_HASH_KEY")
    if key:
        return hmac.new(key.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(raw.encode()).hexdigest()
