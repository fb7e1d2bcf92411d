"""Links we email to account holders on request: password resets and sign-in links.

Asking for one does the same work whatever the address: it queues a message to be written
when it is sent. Only then does the sender look for the account, make the one-time link and
write the email, or drop the message when there is no account. So neither the answer, nor
its timing, nor the database's writes tell whether an address has an account. However often
it is asked, an address gets at most one email of each kind every quarter of an hour.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask_babel import force_locale

from nclw.accounts import messages
from nclw.accounts.models import AccountToken, TokenPurpose, User
from nclw.accounts.services import _new_token, find_user_by_email, find_valid_token, use_token
from nclw.addresses import normalise_email
from nclw.extensions import db
from nclw.i18n import DEFAULT
from nclw.links import absolute_url
from nclw.mail.models import OutboxMessage
from nclw.mail.outbox import Composed, SendTimeComposer, fill_in, queue_email_to_compose_once
from nclw.timezones import format_moment, utcnow

RESET_KIND = "password_reset"
SIGN_IN_KIND = "sign_in_link"
RESET_LIFETIME = timedelta(hours=1)
SIGN_IN_LIFETIME = timedelta(minutes=15)
EMAILS_EVERY = timedelta(minutes=15)


def _once_per_quarter_hour(kind: str, address: str, now: datetime) -> str:
    # The address is hashed: the key only has to be the same for the same address.
    bucket = int(now.timestamp() // EMAILS_EVERY.total_seconds())
    return f"{kind}:{hashlib.sha256(address.encode()).hexdigest()[:40]}:{bucket}"


def _ask_for(kind: str, email: str, *, now: datetime) -> None:
    address = normalise_email(email)
    # A second request in the same quarter hour is refused by the key.
    queue_email_to_compose_once(
        kind, to_address=address, dedupe_key=_once_per_quarter_hour(kind, address, now), now=now
    )


def request_password_reset(email: str, *, now: datetime) -> None:
    """Email a reset link if an active account has this address (decided when sent)."""
    _ask_for(RESET_KIND, email, now=now)


def request_sign_in_link(email: str, *, now: datetime) -> None:
    """Email a one-time sign-in link if an active account has this address (decided when sent)."""
    _ask_for(SIGN_IN_KIND, email, now=now)


def compose_account_email(message: OutboxMessage) -> Composed:
    """Write a reset or sign-in email now, with a fresh link; nobody to send it to: dropped."""
    user = find_user_by_email(message.to_address)
    if user is None or not user.active:
        return Composed.NOBODY
    now = utcnow()
    if message.kind == RESET_KIND:
        raw, token = _new_token(
            TokenPurpose.PASSWORD_RESET, user.email, RESET_LIFETIME, now=now, user_id=user.id
        )
        link, write = f"/account/reset/{raw}", messages.password_reset
    else:
        raw, token = _new_token(
            TokenPurpose.SIGN_IN, user.email, SIGN_IN_LIFETIME, now=now, user_id=user.id
        )
        link, write = f"/sign-in/link/{raw}", messages.sign_in_link
    # Written when sent, long after the request, in the language of the page it was asked
    # from (the row keeps it; English for rows from before languages).
    with force_locale(message.language or DEFAULT):
        email = write(user.email, link=absolute_url(link), expires=format_moment(token.expires_at))
    fill_in(message, email)
    return Composed.WRITTEN


#: Handed to the mail sender by the app (see nclw.mail.outbox.use_send_time_composer).
ACCOUNT_EMAILS = SendTimeComposer(
    kinds=frozenset({RESET_KIND, SIGN_IN_KIND}),
    prepare=lambda rows: None,
    compose=compose_account_email,
)


def sign_in_with_link(raw: str, *, now: datetime) -> User | None:
    """The active user a one-time sign-in link is for, using the link up; None if it won't do.

    The link stands in for the password only: with two-step on, the code is still asked for.
    """
    token: AccountToken | None = find_valid_token(raw, TokenPurpose.SIGN_IN, now=now)
    user = db.session.get(User, token.user_id) if token and token.user_id else None
    if user is None or not user.active or not use_token(token, now=now):
        return None
    if not user.two_step_on:  # else they are signed in only once the code is right too
        user.last_sign_in_at = now
    return user
