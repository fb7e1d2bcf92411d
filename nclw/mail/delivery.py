"""Delivering the outbox: claim rows safely, send them over SMTP (or to .eml files), record results.

Every row is claimed before it is sent, with a guarded UPDATE that only moves `pending` rows
to `sending` (PostgreSQL also skips rows another worker has locked), so two workers never send
the same row. Each result is committed as soon as it is known.
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
from email import policy as email_policy
from email.charset import QP, Charset
from email.mime.text import MIMEText
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_mail import Connection
from flask_mail import Message as FlaskMailMessage
from sqlalchemy.orm import joinedload

from nclw.audit.services import record_action
from nclw.errors import NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.messages import Composed, compose_queued
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.outbox import QUEUED_FLAG as _QUEUED_FLAG
from nclw.registrations.models import Registration
from nclw.timezones import utcnow

BATCH_SIZE = 200
# After this many temporary failures a message is marked failed for a person to look at.
MAX_ATTEMPTS = 10
# A row left in `sending` this long belongs to a worker that died: offer it again.
STALE_CLAIM = timedelta(minutes=15)
SMTP_TIMEOUT_SECONDS = 30
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


@dataclass(frozen=True)
class _Outgoing:
    """A claimed row's content, copied out so sending never touches the session."""

    id: int
    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str | None
    ical_body: str | None
    ical_method: str | None
    attempts: int
    created_at: datetime


class _WirePolicy(type(email_policy.compat32)):  # type: ignore[misc]
    """compat32 with CRLF, writing short plain headers directly instead of re-folding them.

    Folding every header through email.header.Header was the largest cost of sending.
    """

    def fold_binary(self, name: str, value: Any) -> bytes:
        if (
            isinstance(value, str)
            and len(name) + len(value) + 2 <= 78
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
        ):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_WIRE_POLICY = _WirePolicy(linesep="\r\n")


def _quoted_printable_utf8() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP
    return charset


class CalendarMessage(FlaskMailMessage):
    """A Flask-Mail message whose text/calendar alternative names its iTIP method."""

    def __init__(self, *args: Any, ical_method: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ical_method = ical_method

    def _mimetext(self, text: str | None, subtype: str = "plain"):  # type: ignore[override]
        if text and any(len(line.encode()) > 900 for line in text.splitlines()):
            # SMTP refuses lines over 998 bytes (an organiser's long paragraph, say), and
            # Flask-Mail sends bodies unencoded: quoted-printable wraps them safely.
            part = MIMEText(text, _subtype=subtype, _charset=_quoted_printable_utf8())
        else:
            part = super()._mimetext(text, subtype)
        if subtype == "calendar" and self.ical_method:
            # Calendar programs act on the part only if its method matches the METHOD inside.
            part.set_param("method", self.ical_method)
        return part

    def as_bytes(self) -> bytes:
        message = self._message()
        # Flask-Mail switches to policy.SMTP, which re-parses every header while writing and
        # was most of the cost of sending; compat32 writes the same headers several times
        # faster. CRLF line endings, as SMTP needs (smtplib does not fix them in bytes).
        message.policy = _WIRE_POLICY
        return message.as_bytes()


class _TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a stuck server cannot hang a worker."""

    def configure_host(self) -> smtplib.SMTP:  # type: ignore[override]
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=SMTP_TIMEOUT_SECONDS)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


def worker_name() -> str:
    """Who is claiming: host, process and thread, for the back office and for debugging."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}"


def build_message(row: OutboxMessage | _Outgoing) -> CalendarMessage:
    """The email as Flask-Mail will send it: text, HTML and the calendar part as alternatives."""
    message = CalendarMessage(
        # Subjects and addresses were made single-line when queued; a line break here would
        # make Flask-Mail refuse the message rather than add a header.
        subject=row.subject,
        recipients=[row.to_address],
        body=row.text_body,
        ical_method=row.ical_method if row.ical_body else None,
        # Constant headers only: user input never goes into extra_headers.
        extra_headers={"Auto-Submitted": "auto-generated"},
    )
    # Set after construction: Flask-Mail's html setter would otherwise reorder the parts.
    # Plain text, then HTML, then the calendar: the order calendar programs expect.
    message.alts = {"html": row.html_body} if row.html_body else {}
    if row.ical_body:
        message.alts["calendar"] = row.ical_body
    sender_domain = message.sender.rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"
    message.msgId = make_msgid(idstring=f"outbox{row.id}", domain=sender_domain)
    return message


def _snapshot(row: OutboxMessage) -> _Outgoing:
    return _Outgoing(
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


def release_stale_claims(*, now: datetime) -> int:
    """Put rows claimed by a worker that died back in the queue."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.claimed_at < now - STALE_CLAIM,
        )
        .values(status=MessageStatus.PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0


def claim_messages(*, now: datetime, limit: int = BATCH_SIZE) -> list[_Outgoing]:
    """Claim up to `limit` due rows for this worker; no other worker can claim them too."""
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
            return []
        candidates = OutboxMessage.id.in_(ids)
    else:
        # SQLite serialises writers, so a single guarded UPDATE is the claim; a row another
        # worker took is no longer pending and is left alone.
        candidates = OutboxMessage.id.in_(due.scalar_subquery())
    db.session.execute(
        sa.update(OutboxMessage)
        .where(candidates, OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING, claimed_by=token, claimed_at=now)
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
        _load_registrations_to_compose(rows)
        for row in rows:
            composed = compose_queued(row)
            if composed is Composed.WRITTEN:
                claimed.append(_snapshot(row))
            elif composed is Composed.SUPERSEDED:
                db.session.delete(row)  # not a failure: a newer email says it instead
            else:
                row.status = MessageStatus.FAILED
                row.claimed_by = row.claimed_at = None
                row.last_error = "Not sent: the ticket's details were deleted before it went."
    db.session.commit()
    return claimed


def _load_registrations_to_compose(rows: list[OutboxMessage]) -> None:
    # One query for the batch instead of one per message; the session keeps them for
    # compose_queued to find.
    ids = {row.registration_id for row in rows if row.text_body is None and row.registration_id}
    if ids:
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.id.in_(ids))
            .options(joinedload(Registration.event).joinedload(Event.host))
        ).all()


def _finish(item: _Outgoing, **values: Any) -> None:
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
    message again, and only after STALE_CLAIM, once its claim has lapsed.
    """

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.items: list[_Outgoing] = []
        self.since = time.monotonic()

    def add(self, item: _Outgoing) -> None:
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


def _mark_retry(item: _Outgoing, reason: str, *, now: datetime, report: DeliveryReport) -> None:
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


def _mark_failed(item: _Outgoing, reason: str, *, report: DeliveryReport) -> None:
    _finish(item, status=MessageStatus.FAILED, attempts=item.attempts + 1, last_error=reason[:500])
    report.failed += 1
    report.errors.append(reason)


def _release(items: list[_Outgoing], *, now: datetime) -> None:
    # Never tried: back in the queue without counting an attempt.
    for item in items:
        _finish(item, status=MessageStatus.PENDING, next_attempt_at=now + timedelta(seconds=30))


def _smtp_reply(exc: smtplib.SMTPException) -> tuple[int, str]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        return exc.smtp_code, text.decode(errors="replace") if isinstance(text, bytes) else text
    return 0, str(exc)


def write_eml(item: OutboxMessage | _Outgoing, directory: str | Path) -> Path:
    """Write a message as an .eml file (development: no mail server); named by its id."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    message = build_message(item)
    path = folder / f"{item.created_at:%Y%m%d-%H%M%S}-{item.id:07d}-{item.kind}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)  # readers never see half a file
    return path


def _deliver_to_files(items: list[_Outgoing], *, now: datetime) -> DeliveryReport:
    report = DeliveryReport()
    directory = current_app.config["MAIL_FILE_DIRECTORY"]
    sent = _SentMarks(now=now)
    for item in items:
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


def _open_connection() -> Connection:
    connection = _TimeoutConnection(current_app.extensions["mail"])
    connection.__enter__()
    return connection


def _close_quietly(connection: Connection | None) -> None:
    if connection is None or connection.host is None:
        return
    try:
        connection.host.quit()
    except (smtplib.SMTPException, OSError):
        connection.host.close()


def _is_connection_trouble(exc: BaseException) -> bool:
    # SMTPException is an OSError too: only a lost connection or a socket error counts here.
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _deliver_over_smtp(items: list[_Outgoing], *, now: datetime) -> DeliveryReport:
    """Send a batch over one SMTP connection, reconnecting once if the server drops it."""
    report = DeliveryReport()
    connection: Connection | None = None
    queue = list(items)
    sent = _SentMarks(now=now)
    started = time.monotonic()
    try:
        while queue:
            if time.monotonic() - started > STALE_CLAIM.total_seconds() / 3:
                # A very slow server: hand the rest back long before the claim could look
                # abandoned and be taken (and sent) by another worker.
                _release(queue, now=utcnow() - timedelta(seconds=30))
                break
            item = queue.pop(0)
            for try_number in (1, 2):
                if connection is None:
                    try:
                        connection = _open_connection()
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
                    if _is_connection_trouble(exc):
                        _close_quietly(connection)
                        connection = None
                        if try_number == 1:
                            continue  # the server dropped an idle connection: once more
                        reason = f"Connection lost while sending: {exc or type(exc).__name__}"
                        _mark_retry(item, reason, now=now, report=report)
                        break
                    code, text = _smtp_reply(exc)
                    reason = f"{code} {text}".strip()
                    # 5xx is the server's final word; code 0 is a problem on our side (such
                    # as an address the server cannot take): retrying will not change either.
                    if 500 <= code < 600 or code == 0:
                        _mark_failed(item, reason, report=report)
                    else:
                        _mark_retry(item, reason, now=now, report=report)
                    if code == 421 or connection.host is None:
                        # 421 means the server is closing this connection.
                        _close_quietly(connection)
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
        _close_quietly(connection)
    return report


def send_batch(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> DeliveryReport:
    """Claim and deliver one batch of due messages."""
    now = now or utcnow()
    items = claim_messages(now=now, limit=limit)
    if not items:
        return DeliveryReport()
    if current_app.config.get("MAIL_SERVER"):
        return _deliver_over_smtp(items, now=now)
    return _deliver_to_files(items, now=now)


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


def retry_message(message: OutboxMessage, *, actor: Any, now: datetime) -> OutboxMessage:
    """Put a failed message back in the queue to be sent again now."""
    if message.status != MessageStatus.FAILED:
        raise NotAllowed("Only a message that failed can be sent again.")
    message.status = MessageStatus.PENDING
    message.next_attempt_at = now
    message.claimed_by = None
    message.claimed_at = None
    record_action(
        "mail.retry",
        actor=actor,
        target=message,
        summary=f"Queued failed message {message.id} ({message.kind}) to be sent again",
        now=now,
    )
    return message


def mail_health(*, now: datetime | None = None) -> dict[str, Any]:
    """How the outbox is doing: pending and failed counts, and the oldest pending message."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    oldest = db.session.scalar(
        sa.select(sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING])
        )
    )
    if isinstance(oldest, str):  # SQLite returns the raw text for an aggregate
        oldest = datetime.fromisoformat(oldest)
    return {
        "pending": counts.get(MessageStatus.PENDING, 0) + counts.get(MessageStatus.SENDING, 0),
        "failed": counts.get(MessageStatus.FAILED, 0),
        "sent": counts.get(MessageStatus.SENT, 0),
        "oldest_pending_created_at": oldest,
        "delivery": "smtp" if current_app.config.get("MAIL_SERVER") else "files",
    }


class BackgroundSender:
    """Sends the outbox from a thread, woken after each commit that queued mail.

    The request only sets an event; the slow part (talking to the mail server) happens here, so
    a slow or broken mail server never slows a sign-up. If the process dies, rows stay pending
    and `flask nclw send-mail` (or the next wake-up) sends them.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopping = False

    def wake(self) -> None:
        """Ask the thread to look at the outbox soon (starting it in this process if needed)."""
        with self._lock:
            # After a fork (gunicorn), the parent's thread does not exist here: start our own.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="nclw-mail-sender", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the current batch and end the thread (tests, and a clean shutdown)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        retry_soon = False
        while True:
            woken = self._wake.wait(timeout=30 if retry_soon else 300)
            self._wake.clear()
            if self._stopping:
                return
            if not woken and not retry_soon:
                continue
            with self.app.app_context():
                try:
                    report = send_pending()
                    retry_soon = report.retried > 0 or _has_waiting_retries()
                except Exception:  # noqa: BLE001 — the thread must survive a bad moment
                    self.app.logger.exception("Sending mail from the outbox failed")
                    retry_soon = True
                finally:
                    db.session.remove()


def _has_waiting_retries() -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status == MessageStatus.PENDING
            )
        )
    )


def _after_commit(session: sa.orm.Session) -> None:
    if not session.info.pop(_QUEUED_FLAG, False):
        return
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    except RuntimeError:
        return
    sender = app.extensions.get("nclw_mail_sender")
    if sender is not None:
        sender.wake()


def _after_rollback(session: sa.orm.Session) -> None:
    # A rolled back change sends nothing: its rows are gone, and so is the reason to wake.
    session.info.pop(_QUEUED_FLAG, None)


def init_mail_sender(app: Flask) -> None:
    """Start sending after commits when MAIL_SEND_AFTER_COMMIT is on."""
    session_class = sa.orm.Session
    if not sa.event.contains(session_class, "after_commit", _after_commit):
        sa.event.listen(session_class, "after_commit", _after_commit)
        sa.event.listen(session_class, "after_rollback", _after_rollback)
    if app.config.get("MAIL_SEND_AFTER_COMMIT"):
        app.extensions["nclw_mail_sender"] = BackgroundSender(app)


__all__ = [
    "DeliveryReport",
    "build_message",
    "init_mail_sender",
    "mail_health",
    "retry_message",
    "send_batch",
    "send_pending",
    "write_eml",
]
