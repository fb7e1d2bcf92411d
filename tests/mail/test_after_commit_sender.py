"""Mail goes out promptly after a commit, from a background thread, never on the request path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from nclw.extensions import db
from nclw.mail.models import MessageStatus
from tests.conftest import make_test_app
from tests.factories import make_event
from tests.mail.helpers import outbox_rows
from tests.support.smtp import SmtpSink


@pytest.fixture
def sending_app(tmp_path: Path, smtp_server: SmtpSink) -> Iterator[Flask]:
    app = make_test_app(tmp_path, MAIL_SEND_AFTER_COMMIT=True, **smtp_server.app_config())
    with app.app_context():
        yield app
        app.extensions["nclw_mail_sender"].stop()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.thorough  # waits for a mail server that takes 5 s
def test_a_sign_up_is_not_slowed_by_a_slow_mail_server(sending_app, smtp_server):
    smtp_server.delay = 5.0  # seconds per message: far longer than any sign-up should take
    event = make_event(capacity=5)
    client = sending_app.test_client()

    started = time.monotonic()
    response = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Sam", "email": "sam@example.com"},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert b"Check your email" in response.data
    assert elapsed < 2.5, f"the sign-up waited {elapsed:.2f}s for the mail server"
    [received] = smtp_server.wait_for(1, timeout=30)
    assert received.rcpt_tos == ["sam@example.com"]
    assert "Your ticket" in received.subject
    deadline = time.monotonic() + 5
    while outbox_rows()[0].status != MessageStatus.SENT and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outbox_rows()[0].status == MessageStatus.SENT


def test_with_the_after_commit_sender_off_mail_waits_for_the_worker(tmp_path, smtp_server):
    app = make_test_app(tmp_path, MAIL_SEND_AFTER_COMMIT=False, **smtp_server.app_config())
    with app.app_context():
        event = make_event(capacity=5)
        response = app.test_client().post(
            f"/events/{event.slug}/register",
            data={"first_name": "Sam", "email": "sam@example.com"},
        )
        assert response.status_code == 200
        assert b"Check your email" in response.data
        time.sleep(0.5)
        assert smtp_server.messages == []
        assert "nclw_mail_sender" not in app.extensions

        result = app.test_cli_runner().invoke(args=["nclw", "send-mail"])

        assert result.exit_code == 0, result.output
        assert "Sent 1" in result.output
        assert len(smtp_server.wait_for(1)) == 1
        db.session.remove()
        db.engine.dispose()
