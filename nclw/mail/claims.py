"""Claiming outbox rows: each sender takes a batch on a lease it renews while it sends.

The claim is a guarded UPDATE that only moves `pending` rows to `sending` (PostgreSQL also
skips rows another worker has locked), so two workers never send the same row. A sender that
stops renewing (killed, frozen, its host gone) loses its rows when the lease ends.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.outbox import Composed, compose_batch
from nclw.mail.wire import Outgoing
from nclw.timezones import utcnow

BATCH_SIZE = 200


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


def worker_name() -> str:
    """Who is claiming: host, process and thread, for the back office and for debugging."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}"


# Each of Outgoing's fields is the outbox column of the same name.
_COPIED = tuple(copied.name for copied in fields(Outgoing))


def _snapshot(row: OutboxMessage) -> Outgoing:
    return Outgoing(**{name: getattr(row, name) for name in _COPIED})


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
    # Sign-up emails are written here, not in the request (see registrations.send_time); the
    # written text is kept on the row, so a retry sends the same words. No autoflush: on
    # SQLite a flush would hold the write lock, and so hold up sign-ups, while the rest of
    # the batch is written; the one commit below writes them all at once.
    with db.session.no_autoflush:
        for row, composed in zip(rows, compose_batch(list(rows)), strict=True):
            if composed is Composed.WRITTEN:
                claimed.append(_snapshot(row))
            elif composed in (Composed.SUPERSEDED, Composed.NOBODY):
                # Not a failure: a newer email says it instead, or it was for nobody.
                db.session.delete(row)
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
