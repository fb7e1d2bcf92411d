"""Fault drill: the mail worker killed with SIGKILL mid-batch.

Real `flask nclw send-mail --loop` processes against a loopback SMTP server, so they need a
database of their own that both processes share. The lease is cut to a few seconds so the
drill is quick; the default lease and the worker's interval keep the wait under a minute.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import IO

import click
import pytest

from nclw.config import load_settings
from nclw.extensions import db
from nclw.mail.commands import send_mail_command
from nclw.mail.models import MessageStatus
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.mail.helpers import fill_outbox, outbox_rows
from tests.support.live_server import PROJECT_ROOT, _child_env, venv_script
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.slow

MESSAGES = 24
LEASE_SECONDS = 2


def test_the_default_lease_gets_orphaned_mail_out_within_a_minute(tmp_path: Path):
    lease = load_settings(str(tmp_path))["MAIL_CLAIM_LEASE_SECONDS"]
    interval = next(p.default for p in send_mail_command.params if p.name == "interval")
    assert isinstance(send_mail_command, click.Command)
    # A killed sender's last renewal is at most a lease before its rows come back; the next
    # worker looks within its interval.
    assert lease + interval < 60


def _fill_outbox(app) -> None:
    with app.app_context():
        fill_outbox(MESSAGES)
        db.session.remove()
        db.engine.dispose()


def _start_worker(env: dict[str, str], log: IO[bytes]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(venv_script("flask")), "--app", "wsgi", "nclw", "send-mail", "--loop"]
        + ["--interval", "0.5"],
        cwd=PROJECT_ROOT,
        env=_child_env(env),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for_everyone(smtp_server: SmtpSink, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len({m.rcpt_tos[0] for m in list(smtp_server.messages)}) == MESSAGES:
            return True
        time.sleep(0.05)
    return False


def _drill(tmp_path: Path, database_url: str, smtp_server: SmtpSink) -> None:
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    _fill_outbox(app)
    env = {
        **server_env(database_url, tmp_path),
        **smtp_server.env(),
        "MAIL_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    log = tmp_path / "workers.log"
    smtp_server.delay = 0.08  # a slow server, so the kill lands mid-batch

    with log.open("ab") as output:
        first = _start_worker(env, output)
        try:
            smtp_server.wait_for(8, timeout=30)
        finally:
            first.kill()
            first.wait(10)
        killed_at = time.monotonic()
        before_kill = len(smtp_server.messages)
        second = _start_worker(env, output)
        try:
            everyone = _wait_for_everyone(smtp_server, timeout=LEASE_SECONDS + 30)
            took = time.monotonic() - killed_at
        finally:
            second.terminate()
            second.wait(10)

    received = Counter(m.rcpt_tos[0] for m in smtp_server.messages)
    assert everyone, f"{len(received)} of {MESSAGES} arrived\n{log.read_text()}"
    assert before_kill < MESSAGES  # the kill really was mid-batch
    # Only the message the server had taken when the sender died can go twice.
    assert sum(count - 1 for count in received.values()) <= 1
    # The rest waited for the dead sender's lease to end, not for minutes.
    assert took < LEASE_SECONDS + 15, f"{took:.1f}s after the kill"
    with app.app_context():
        assert {row.status for row in outbox_rows()} == {MessageStatus.SENT}
        db.session.remove()
        db.engine.dispose()


def test_mail_held_by_a_killed_sender_goes_out_once_within_its_lease_on_sqlite(
    tmp_path: Path, smtp_server: SmtpSink
):
    _drill(tmp_path, f"sqlite:///{tmp_path / 'killed.sqlite'}", smtp_server)


@pytest.mark.postgres
def test_mail_held_by_a_killed_sender_goes_out_once_within_its_lease_on_postgresql(
    tmp_path: Path, smtp_server: SmtpSink, postgres_database_url: str
):
    _drill(tmp_path, postgres_database_url, smtp_server)
