"""Who is asking or voting, without keeping who they are: keyed hashes of secrets they hold."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from nclw.registrations.models import Registration


def asker_hash_key() -> str:
    """The key of the asker hashes: QUESTION_ASKER_KEY (required in production, apart from
    SECRET_KEY and TOKEN_HASH_KEY; see config.refuse_weak_secret)."""
    config = current_app.config
    return config.get("QUESTION_ASKER_KEY") or config.get("TOKEN_HASH_KEY") or config["SECRET_KEY"]


def _keyed_hash(purpose: str, secret: str) -> str:
    """HMAC-SHA256 under a key that never leaves the server and is not in the database."""
    key = asker_hash_key()
    return hmac.new(key.encode(), f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()


def ticket_key(registration: Registration) -> str:
    """The asker/voter key for a ticket, the same from every link its holder was sent.

    Made from the ticket's number under QUESTION_ASKER_KEY: the database alone (or with
    SECRET_KEY) cannot tell whose a question is; only someone who also holds that key can.
    """
    return _keyed_hash("ticket", str(registration.id))


def browser_key(browser_id: str) -> str:
    """The asker/voter key for a browser's random id, where anyone may ask."""
    return _keyed_hash("browser", browser_id)


def vote_address_key(question_id: int, address: str) -> str:
    """A key for votes from one network address on one question.

    Tied to the question, so the keys cannot show that one address voted on several.
    """
    return _keyed_hash("address", f"{question_id}:{address}")


def same_key(stored: str | None, given: str) -> bool:
    """Whether a stored asker key is this person's, compared in constant time."""
    return bool(stored) and hmac.compare_digest(stored, given)
