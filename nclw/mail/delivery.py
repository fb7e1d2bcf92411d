"""Delivering the outbox: send claimed rows over SMTP (or to .eml files), record results.

Rows are claimed first (see claims), so two workers never send the same row. Each result is
committed as soon as it is known.
"""

from __future__ import annotations

import smtplib
import time
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection

from nclw.extensions import db
from nclw.mail.claims import (
    BATCH_SIZE,
    DeliveryReport,
    Lease,
    claim_messages,
    release_stale_claims,
)
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.wire import (
    Outgoing,
    build_message,
    close_quietly,
    is_connection_trouble,
    open_connection,
    send_one,
    smtp_reply,
    write_eml,
)
from nclw.timezones import utcnow

# After this many temporary failures a message is marked failed for a person to look at.
MAX_ATTEMPTS = 10
# Deliveries are recorded in groups of this many (see _SentMarks). One: each message is
# marked sent as soon as the server takes it, so a sender that dies can send again only
# the one message it was sending. Marking in groups of 25 delivered 10,000 messages about
# a fifth faster, but a crash could then send up to 25 people their email twice.
SENT_MARK_GROUP = 1
# Once the mail server has a message, we keep only its envelope (who, what kind, subject,
# when): its words carry links (invitations, password resets, tickets) that must not work
# for anyone holding a copy of the database. Failed messages keep theirs, to be sent again.
FORGOTTEN_ONCE_SENT = {"text_body": None, "html_body": None, "ical_body": None, "qr_text": None}


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


def _finish(item: Outgoing, **values: Any) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == item.id, OutboxMessage.status == MessageStatus.SENDING)
        .values(claimed_by=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class _SentMarks:
    """Records deliveries: one UPDATE and commit per SENT_MARK_GROUP messages (or a second).

    Only a process dying between the server taking a message and its mark could send that
    message again, and only once its lease has lapsed.
    """

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.items: list[Outgoing] = []
        self.since = time.monotonic()

    def add(self, item: Outgoing) -> None:
        self.items.append(item)
        if len(self.items) >= SENT_MARK_GROUP or time.monotonic() - self.since > 1.0:
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        # Rows in one batch may have been tried before: group them by attempts so each
        # records its own attempts + 1.
        by_attempts: dict[int, list[int]] = {}
        for item in self.items:
            by_attempts.setdefault(item.attempts, []).append(item.id)
        for attempts, ids in by_attempts.items():
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == MessageStatus.SENDING)
                .values(
                    status=MessageStatus.SENT,
                    sent_at=self.now,
                    attempts=attempts + 1,
                    claimed_by=None,
                    claimed_at=None,
                    **FORGOTTEN_ONCE_SENT,
                )
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
        self.items = []
        self.since = time.monotonic()


def _mark_retry(item: Outgoing, reason: str, *, now: datetime, report: DeliveryReport) -> None:
    attempts = item.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _mark_failed(item, f"Gave up after {attempts} tries. Last error: {reason}", report=report)
        return
    _finish(
        item,
        status=MessageStatus.PENDING,
        attempts=attempts,
        last_error=reason[:500],
        next_attempt_at=now + backoff(attempts),
    )
    report.retried += 1
    report.errors.append(reason)


def _mark_failed(item: Outgoing, reason: str, *, report: DeliveryReport) -> None:
    _finish(item, status=MessageStatus.FAILED, attempts=item.attempts + 1, last_error=reason[:500])
    report.failed += 1
    report.errors.append(reason)


def _release(items: list[Outgoing], *, now: datetime) -> None:
    # Never tried: back in the queue without counting an attempt.
    for item in items:
        _finish(item, status=MessageStatus.PENDING, next_attempt_at=now + timedelta(seconds=30))


def _deliver_to_files(items: list[Outgoing], *, now: datetime, lease: Lease) -> DeliveryReport:
    report = DeliveryReport()
    directory = current_app.config["MAIL_FILE_DIRECTORY"]
    sent = _SentMarks(now=now)
    queue = list(items)
    while queue := lease.keep(queue):
        item = queue.pop(0)
        try:
            write_eml(item, directory)
        except OSError as exc:
            _mark_retry(item, f"Could not write the mail file: {exc}", now=now, report=report)
            continue
        except Exception as exc:  # noqa: BLE001 — one bad message must not stall the rest
            _mark_failed(item, f"Could not write: {type(exc).__name__}: {exc}", report=report)
            continue
        sent.add(item)
        report.sent += 1
    sent.flush()
    return report


def _deliver_over_smtp(items: list[Outgoing], *, now: datetime, lease: Lease) -> DeliveryReport:
    """Send a batch over one SMTP connection, reconnecting once if the server drops it."""
    report = DeliveryReport()
    connection: Connection | None = None
    queue = list(items)
    sent = _SentMarks(now=now)
    try:
        # A slow server makes a long batch: the lease is kept alive while it lasts.
        while queue := lease.keep(queue):
            item = queue.pop(0)
            for try_number in (1, 2):
                if connection is None:
                    try:
                        connection = open_connection()
                    except (smtplib.SMTPException, OSError) as exc:
                        # Refused, unreachable or login failed: not this message's fault.
                        reason = f"Mail server unavailable: {exc or type(exc).__name__}"
                        _mark_retry(item, reason, now=now, report=report)
                        _release(queue, now=now)
                        queue = []
                        break
                try:
                    send_one(connection, item)
                except (smtplib.SMTPException, OSError) as exc:
                    if is_connection_trouble(exc):
                        close_quietly(connection)
                        connection = None
                        if try_number == 1:
                            continue  # the server dropped an idle connection: once more
                        reason = f"Connection lost while sending: {exc or type(exc).__name__}"
                        _mark_retry(item, reason, now=now, report=report)
                        break
                    code, text = smtp_reply(exc)
                    reason = f"{code} {text}".strip()
                    # 5xx is the server's final word; code 0 is a problem on our side (such
                    # as an address the server cannot take): retrying will not change either.
                    if 500 <= code < 600 or code == 0:
                        _mark_failed(item, reason, report=report)
                    else:
                        _mark_retry(item, reason, now=now, report=report)
                    if code == 421 or connection.host is None:
                        # 421 means the server is closing this connection.
                        close_quietly(connection)
                        connection = None
                except Exception as exc:  # noqa: BLE001 — one bad message must not stall the rest
                    _mark_failed(
                        item, f"Could not send: {type(exc).__name__}: {exc}", report=report
                    )
                else:
                    sent.add(item)
                    report.sent += 1
                break
    finally:
        sent.flush()
        close_quietly(connection)
    return report


def send_batch(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> DeliveryReport:
    """Claim and deliver one batch of due messages."""
    now = now or utcnow()
    report = DeliveryReport()
    lease, items = claim_messages(now=now, limit=limit, report=report)
    if items:
        deliver = _deliver_over_smtp if current_app.config.get("MAIL_SERVER") else _deliver_to_files
        report.add(deliver(items, now=now, lease=lease))
    return report


def send_pending(
    *, now: datetime | None = None, max_batches: int | None = None, batch_size: int = BATCH_SIZE
) -> DeliveryReport:
    """Deliver every message that is due, batch after batch, until none is left."""
    report = DeliveryReport()
    release_stale_claims(now=now or utcnow())
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = send_batch(now=now, limit=batch_size)
        batches += 1
        report.add(batch)
        if batch.sent + batch.retried + batch.failed == 0:
            break
    return report


__all__ = [
    "DeliveryReport",
    "build_message",
    "send_batch",
    "send_pending",
    "write_eml",
]
