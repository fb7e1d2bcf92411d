"""Putting messages in the outbox; delivery lives in mail.delivery."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from nclw.extensions import db
from nclw.i18n import DEFAULT, current_language
from nclw.links import absolute_url
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.wire import QR_CONTENT_ID
from nclw.timezones import utcnow

# Set on the session when a transaction queues mail; its commit wakes the sender.
QUEUED_FLAG = "nclw_mail_queued"
_INSERT_MESSAGE = sa.insert(OutboxMessage.__table__)


@dataclass(frozen=True)
class ComposedEmail:
    """A message ready to be queued: what to say, to whom, with which calendar part."""

    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str | None = None
    ical_body: str | None = None
    ical_method: str | None = None
    # The name the email comes from, when not the site's own (discreet emails).
    sender_name: str | None = None
    # Drawn as a QR code inside the HTML part, which shows it as <img src="cid:...">.
    qr_text: str | None = None


def compose_email(
    kind: str,
    to_address: str,
    subject: str,
    template: str,
    *,
    ical_body: str | None = None,
    ical_method: str | None = None,
    sender_name: str | None = None,
    qr_text: str | None = None,
    **context: Any,
) -> ComposedEmail:
    """An email from a pair of templates, `<template>.txt` and `<template>.html`.

    Every email can name the site and say how to reach the organisers, so both are always
    in the context, and so is `ical_method` (what the attached invite does, if any). With
    `qr_text`, the HTML shows its QR code from `cid:{{ qr_cid }}`, carried in the message.
    `from_name` is the name the email comes from, which its HTML shows at the top.
    """
    context = {
        "site_name": current_app.config["SITE_NAME"],
        "from_name": sender_name or current_app.config["SITE_NAME"],
        # The home page in the language the email is written in.
        "site_url": absolute_url(""),
        "contact_email": current_app.config["CONTACT_EMAIL"],
        "ical_method": ical_method,
        "qr_cid": QR_CONTENT_ID if qr_text else None,
        **context,
    }
    return ComposedEmail(
        kind=kind,
        to_address=to_address,
        subject=subject,
        text_body=render_template(f"{template}.txt", **context),
        html_body=render_template(f"{template}.html", **context),
        ical_body=ical_body,
        ical_method=ical_method,
        sender_name=sender_name,
        qr_text=qr_text,
    )


def _single_line(value: str) -> str:
    # Subjects and addresses become headers: a line break could add a header of its own.
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def queue_email(
    email: ComposedEmail,
    *,
    registration_id: int | None = None,
    event_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction's outbox; it is sent only if that commits."""
    message = OutboxMessage(
        kind=email.kind,
        to_address=_single_line(email.to_address),
        subject=_single_line(email.subject)[:200],
        text_body=email.text_body,
        html_body=email.html_body,
        ical_body=email.ical_body,
        ical_method=email.ical_method,
        sender_name=_single_line(email.sender_name)[:80] if email.sender_name else None,
        qr_text=email.qr_text,
        registration_id=registration_id,
        event_id=event_id,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    note_queued()
    return message


def queue_ticket_email(email: ComposedEmail, ticket: Any) -> OutboxMessage:
    """`queue_email` for an email about one ticket, filed under the ticket and its event."""
    return queue_email(email, registration_id=ticket.id, event_id=ticket.event_id)


def queue_email_once(
    write: Callable[[], ComposedEmail],
    *,
    dedupe_key: str,
    registration_id: int | None = None,
    event_id: int | None = None,
) -> bool:
    """Write and queue a message unless one with this key is already queued; whether it was.

    `write` runs only when the message will be queued (writing is the costly part, and may
    add rows of its own). The unique key decides even between two requests at the same
    moment: the second is refused in a savepoint, which takes only its own rows with it.
    """
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return False
    try:
        with db.session.begin_nested():
            queue_email(
                write(), registration_id=registration_id, event_id=event_id, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return False
    return True


def queue_email_to_compose(
    kind: str,
    *,
    to_address: str,
    registration_id: int | None = None,
    event_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    language: str | None = None,
) -> None:
    """Queue a message that the sender writes just before sending it (see SendTimeComposer),
    in `language` (the page's, when left out).

    For sign-ups: writing the email and its calendar invite was a fifth of the request and
    held SQLite's write lock. For password resets: the request then does the same work
    whether or not the address has an account, so its timing cannot tell. A `dedupe_key`
    already queued raises IntegrityError (run it in a savepoint).
    """
    now = now or utcnow()
    db.session.execute(
        _INSERT_MESSAGE,
        {
            "kind": kind,
            "to_address": _single_line(to_address),
            "registration_id": registration_id,
            "event_id": event_id,
            "dedupe_key": dedupe_key,
            "next_attempt_at": now,
            "created_at": now,
            "language": language or current_language(),
        },
    )
    note_queued()


def queue_email_to_compose_once(
    kind: str,
    *,
    to_address: str,
    dedupe_key: str,
    event_id: int | None = None,
    now: datetime,
) -> bool:
    """`queue_email_to_compose` unless a message with this key is queued; whether it was.

    The unique key decides: a second request with the same key is refused in a savepoint,
    which takes nothing else with it.
    """
    try:
        with db.session.begin_nested():
            queue_email_to_compose(
                kind, to_address=to_address, event_id=event_id, dedupe_key=dedupe_key, now=now
            )
    except IntegrityError:
        return False
    return True


def insert_emails_to_compose(rows: sa.Select, *, now: sa.ColumnElement) -> sa.Insert:
    """An INSERT queueing one message to compose for each of `rows`, due at `now`.

    `rows` gives kind, to_address, registration_id and event_id, in that order: for a
    statement that writes a message's cause and queues it at once (see registrations). Call
    note_queued() once it has run, so the commit wakes the sender.
    """
    return sa.insert(OutboxMessage.__table__).from_select(
        ["kind", "to_address", "registration_id", "event_id"]
        + ["status", "attempts", "next_attempt_at", "created_at"],
        rows.add_columns(sa.literal(MessageStatus.PENDING.value), sa.literal(0), now, now),
        # Python-side defaults are not filled in when this runs inside a WITH.
        include_defaults=False,
    )


def readdress_unsent(
    registration_id: int, *, old_address: str, new_address: str, superseded: frozenset[str]
) -> None:
    """Send a ticket's emails not yet gone to its old address to the new one instead.

    Kinds in `superseded` are dropped: the email that tells the new address carries what
    they would have said. A message a sender holds right now is left alone: it may be on
    the wire already.
    """
    unsent = (
        OutboxMessage.registration_id == registration_id,
        OutboxMessage.to_address == _single_line(old_address),
        OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.FAILED]),
    )
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(*unsent, OutboxMessage.kind.in_(superseded))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(*unsent)
        .values(to_address=_single_line(new_address))
        .execution_options(synchronize_session=False)
    )


def note_queued() -> None:
    """Wake the sender when this transaction commits (for messages queued in plain SQL)."""
    db.session.info[QUEUED_FLAG] = True


def fill_in(message: OutboxMessage, email: ComposedEmail) -> None:
    """Write a composed email into a row queued with queue_email_to_compose."""
    message.subject = _single_line(email.subject)[:200]
    message.text_body = email.text_body
    message.html_body = email.html_body
    message.ical_body = email.ical_body
    message.ical_method = email.ical_method
    message.sender_name = _single_line(email.sender_name)[:80] if email.sender_name else None
    message.qr_text = email.qr_text


class Composed(enum.Enum):
    """What writing a queued message at send time did with it."""

    WRITTEN = "written"
    # The place changed before the email went (a waiting-list place became a ticket, a
    # ticket was cancelled): the email about the new state says what this one would have.
    SUPERSEDED = "superseded"
    # The person deleted their details, or the row names nothing it can be about.
    NOTHING_TO_SEND = "nothing to send"
    # Nobody to send it to, and nothing wrong (a reset asked for an address with no account):
    # the row is removed, like a superseded one.
    NOBODY = "nobody"
    # Writing it failed (its `last_error` says why): it is marked failed, the rest still go.
    CANNOT_WRITE = "cannot write"


@dataclass(frozen=True)
class SendTimeComposer:
    """Writes the messages of some kinds queued by `queue_email_to_compose`, when sent.

    The outbox knows nothing of tickets or accounts: the domain that queues such messages
    says how to write them, and the app hands that to the sender with `use_send_time_composer`.
    """

    kinds: frozenset[str]
    # Loads what a batch of rows needs in one go (the sender then composes row by row), and
    # returns it: the session keeps loaded objects only while something else holds them.
    prepare: Callable[[list[OutboxMessage]], object]
    compose: Callable[[OutboxMessage], Composed]


_COMPOSER_KEY = "nclw_send_time_composers"


def use_send_time_composer(app: Flask, composer: SendTimeComposer) -> None:
    """Tell the sender how to write messages of these kinds, queued to be composed when sent."""
    composers = app.extensions.setdefault(_COMPOSER_KEY, {})
    for kind in composer.kinds:
        composers[kind] = composer


def compose_batch(rows: list[OutboxMessage]) -> list[Composed]:
    """Write every row that is still to be written; say for each what became of it."""
    composers: dict[str, SendTimeComposer] = current_app.extensions.get(_COMPOSER_KEY, {})
    waiting: dict[SendTimeComposer, list[OutboxMessage]] = {}
    for row in rows:
        if row.text_body is None and row.kind in composers:
            waiting.setdefault(composers[row.kind], []).append(row)
    # Held until the batch is written: dropped, what was loaded for it would be loaded again
    # one row at a time.
    loaded = [composer.prepare(its_rows) for composer, its_rows in waiting.items()]
    results = []
    for row in rows:
        if row.text_body is not None:
            results.append(Composed.WRITTEN)
        elif row.kind not in composers:
            results.append(Composed.NOTHING_TO_SEND)
        else:
            results.append(_compose_one(composers[row.kind], row))
    del loaded
    return results


def _compose_one(composer: SendTimeComposer, row: OutboxMessage) -> Composed:
    # One message that cannot be written (bad data saved before a rule existed, say) must not
    # stop the batch: the others were claimed with it and would wait for nothing.
    try:
        # In the language of the page that asked for it (a ticket's own emails then switch
        # to the ticket's language themselves).
        with force_locale(row.language or DEFAULT):
            return composer.compose(row)
    except Exception as exc:  # noqa: BLE001 - isolate the one message, keep its reason
        current_app.logger.exception("Could not write outbox message %s", row.id)
        row.last_error = f"Could not be written: {type(exc).__name__}: {exc}"[:500]
        return Composed.CANNOT_WRITE
