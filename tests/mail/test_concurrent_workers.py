"""Two workers draining one outbox at once deliver every message exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask

from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus
from tests.conftest import make_test_app
from tests.mail.helpers import fill_outbox, outbox_rows
from tests.support.smtp import SmtpSink

MESSAGES = 120


def _drain_with_two_workers(app: Flask) -> list[int]:
    """Run two senders in parallel threads, each with its own app context and connection."""
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                start.wait()
                # Small batches so the two workers really interleave their claims.
                sent.append(send_pending(batch_size=7).sent)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 — surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return sent


def _assert_each_delivered_once(smtp_server: SmtpSink, sent: list[int]) -> None:
    received = smtp_server.wait_for(MESSAGES, timeout=60)
    counts = Counter(message.subject for message in received)
    assert len(received) == MESSAGES
    assert set(counts.values()) == {1}
    assert sum(sent) == MESSAGES
    # Both workers took part (otherwise this test would prove nothing about racing).
    assert all(n > 0 for n in sent), sent
    rows = outbox_rows()
    assert all(row.status == MessageStatus.SENT for row in rows)
    assert all(row.attempts == 1 for row in rows)


@pytest.mark.thorough  # two mail workers in processes of their own
def test_two_workers_on_sqlite_send_each_message_once(tmp_path: Path, smtp_server: SmtpSink):
    smtp_server.delay = 0.002
    app = make_test_app(tmp_path, **smtp_server.app_config())
    with app.app_context():
        fill_outbox(MESSAGES)
        sent = _drain_with_two_workers(app)
        _assert_each_delivered_once(smtp_server, sent)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_two_workers_on_postgresql_send_each_message_once(
    tmp_path: Path, smtp_server: SmtpSink, postgres_database_url: str
):
    smtp_server.delay = 0.002
    app = make_test_app(
        tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url, **smtp_server.app_config()
    )
    with app.app_context():
        fill_outbox(MESSAGES)
        sent = _drain_with_two_workers(app)
        _assert_each_delivered_once(smtp_server, sent)
        db.session.remove()
        db.engine.dispose()
