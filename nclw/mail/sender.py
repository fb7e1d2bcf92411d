"""Sending soon after a commit: a background thread in each web process wakes on new mail."""

from __future__ import annotations

import os
import threading

import sqlalchemy as sa
from flask import Flask, current_app

from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.mail.outbox import QUEUED_FLAG as _QUEUED_FLAG


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
            # Even when nothing wakes it, look now and then: rows another sender held when it
            # was killed come back to the queue once their lease ends, and need sending.
            woken = self._wake.wait(timeout=30 if retry_soon else 60)
            self._wake.clear()
            if self._stopping:
                return
            with self.app.app_context():
                try:
                    if woken or retry_soon or _has_unsent():
                        report = send_pending()
                        retry_soon = report.retried > 0 or _has_waiting_retries()
                except Exception:  # noqa: BLE001 — the thread must survive a bad moment
                    self.app.logger.exception("Sending mail from the outbox failed")
                    retry_soon = True
                finally:
                    db.session.remove()


def _has_unsent() -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING])
            )
        )
    )


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
