"""Delivering the outbox: claim rows safely, send them over SMTP (or to .eml files), record results.

Every row is claimed before it is sent, with a guarded UPDATE that only moves `pending` rows
to `sending` (PostgreSQL also skips rows another worker has locked), so two workers never send
the same row. Each result is committed as soon as it is known.

A claim is a short lease that the sender renews while it works through its batch, so rows
held by a sender that was killed go back to the queue within a lease, not a quarter of an hour.
"""

from __future__ import annotations

import os
import smtplib
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection

from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.outbox import Composed, compose_batch
from nclw.mail.wire import (
    Outgoing,
    build_message,
    close_quietly,
    is_connection_trouble,
    open_connection,
    smtp_reply,
    write_eml,
)
from nclw.timezones import utcnow

BATCH_SIZE = 200
# After this many temporary failures a message is marked failed for a person to look at.
MAX_ATTEMPTS = 10
# Deliveries are recorded in groups of this many (see _SentMarks). One: each message is
# marked sent as soon as the server takes it, so a sender that dies can send again only
# the one message it was sending. Marking in groups of 25 delivered 10,000 messages about
# a fifth faster, but a crash could then send up to 25 people their email twice.
SENT_MARK_GROUP = 1


@dataclass
class DeliveryReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.errors.extend(other.errors)


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


def worker_name() -> str:
    """Who is claiming: host, process and thread, for the back office and for debugging."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}"


def _snapshot(row: OutboxMessage) -> Outgoing:
    return Outgoing(
        id=row.id,
        kind=row.kind,
        to_address=row.to_address,
        subject=row.subject,
        text_body=row.text_body,
        html_body=row.html_body,
        ical_body=row.ical_body,
        ical_method=row.ical_method,
        attempts=row.attempts,
        created_at=row.created_at,
    )


def claim_lease() -> timedelta:
    """How long a claim lasts unless its sender renews it (MAIL_CLAIM_LEASE_SECONDS).

    A sender renews every quarter lease, so only one that stopped (killed, frozen, its host
    gone) loses its rows; with the worker's five-second look they go out within a minute.
    """
    return timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE_SECONDS"])


def release_stale_claims(*, now: datetime) -> int:
    """Put rows claimed by a sender that stopped renewing its lease back in the queue."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.claimed_at < now - claim_lease(),
        )
        .values(status=MessageStatus.PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0


class Lease:
    """This sender's hold on the rows it claimed, renewed while it sends them."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.every = claim_lease().total_seconds() / 4
        self.renewed = time.monotonic()

    def keep(self, queue: list[Outgoing]) -> list[Outgoing]:
        """Renew the lease when a quarter of it has passed; return the rows still ours.

        A row is lost only if this sender stalled for longer than the whole lease and another
        worker took it back: it is then dropped here rather than sent twice.
        """
        if time.monotonic() - self.renewed < self.every or not queue:
            return queue
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.claimed_by == self.token,
                OutboxMessage.status == MessageStatus.SENDING,
            )
            .values(claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        ours = set(
            db.session.scalars(
                sa.select(OutboxMessage.id).where(
                    OutboxMessage.claimed_by == self.token,
                    OutboxMessage.status == MessageStatus.SENDING,
                )
            )
        )
        db.session.commit()
        self.renewed = time.monotonic()
        return [item for item in queue if item.id in ours]


def claim_messages(
    *, now: datetime, limit: int = BATCH_SIZE, report: DeliveryReport | None = None
) -> tuple[Lease, list[Outgoing]]:
    """Claim up to `limit` due rows for this worker; no other worker can claim them too.

    Rows that cannot be written now are marked failed here, and counted in `report`.
    """
    db.session.commit()  # start the claim in a fresh transaction (SQLite: no stale snapshot)
    token = f"{worker_name()}:{uuid.uuid4().hex[:12]}"
    due = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the rows first, skipping any another worker holds; they stay ours until commit.
        # (One UPDATE ... IN (SELECT ... SKIP LOCKED) can re-run its subquery on a conflict
        # and claim nothing, so the two steps are kept apart.)
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            db.session.commit()
            return Lease(token), []
        candidates = OutboxMessage.id.in_(ids)
    else:
        # SQLite serialises writers, so a single guarded UPDATE is the claim; a row another
        # worker took is no longer pending and is left alone.
        candidates = OutboxMessage.id.in_(due.scalar_subquery())
    db.session.execute(
        sa.update(OutboxMessage)
        .where(candidates, OutboxMessage.status == MessageStatus.PENDING)
        # The lease runs on the clock, not on `now` (a long run of batches shares one `now`).
        .values(status=MessageStatus.SENDING, claimed_by=token, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == MessageStatus.SENDING)
        .order_by(OutboxMessage.id)
    ).all()
    claimed = []
    # Sign-up emails are written here, not in the request (see COMPOSED_WHEN_SENT); the
    # written text is kept on the row, so a retry sends the same words. No autoflush: on
    # SQLite a flush would hold the write lock, and so hold up sign-ups, while the rest of
    # the batch is written; the one commit below writes them all at once.
    with db.session.no_autoflush:
        for row, composed in zip(rows, compose_batch(list(rows)), strict=True):
            if composed is Composed.WRITTEN:
                claimed.append(_snapshot(row))
            elif composed is Composed.SUPERSEDED:
                db.session.delete(row)  # not a failure: a newer email says it instead
            else:
                row.status = MessageStatus.FAILED
                row.claimed_by = row.claimed_at = None
                row.attempts += 1
                if composed is Composed.NOTHING_TO_SEND:
                    row.last_error = "Not sent: the ticket's details were deleted before it went."
                if report is not None:
                    report.failed += 1
                    report.errors.append(row.last_error or "")
    db.session.commit()
    return Lease(token), claimed


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
                    connection.send(build_message(item))
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
