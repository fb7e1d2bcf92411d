"""Fault drill: the mail server is down when a burst of sign-ups starts, and comes back mid-burst.

gunicorn (two workers, each sending after its commits, MAIL_SEND_AFTER_COMMIT) talks to a
loopback SMTP server that refuses connections until a third of the sign-ups are answered.
Sign-ups made once it is back are mailed at once. The mail queued while it was down waits for
its retry, a minute away (delivery.backoff): rather than wait that minute, the drill stops
the web server once the outbox is quiet and runs the real sender (send_pending) on the same
database at the moment the retry falls due. No message is edited by hand.

Nothing lost: every sign-up answered "Check your email" is in the database and its owner got
exactly one email. Nothing sent twice: one email per address, counted at the SMTP server.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.mail.delivery import backoff, send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.drills.helpers import Burst, Figures, lost, read_stored, sa_url
from tests.e2e.signup_storm import prepare_database, server_env
from tests.support.live_server import live_server
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.slow

PEOPLE = 40
CAPACITY = 20
SPREAD_SECONDS = 2.0  # the posts go out over this long
BACK_AFTER = 14  # the mail server comes back once this many sign-ups are answered


def _outbox() -> list[sa.Row]:
    """Each outbox row's id, status, attempts and next try, read in a moment."""
    m = OutboxMessage
    rows = list(
        db.session.execute(sa.select(m.id, m.status, m.attempts, m.next_attempt_at).order_by(m.id))
    )
    db.session.commit()  # end the read, so SQLite writers are never held up by it
    return rows


def _wait_until_quiet(timeout: float = 20.0) -> list[sa.Row]:
    """Wait until no sender holds a message and nothing due is left: only retries wait."""
    deadline = time.monotonic() + timeout
    while True:
        rows = _outbox()
        now = utcnow()
        busy = [
            row
            for row in rows
            if row.status == MessageStatus.SENDING
            or (row.status == MessageStatus.PENDING and row.next_attempt_at <= now)
        ]
        if not busy:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"the outbox never settled: {[(r.id, r.status) for r in busy]}")
        time.sleep(0.2)


def _wait_for(sink: SmtpSink, addresses: set[str], timeout: float) -> set[str]:
    """Wait until each address has had an email; return those still without one."""
    deadline = time.monotonic() + timeout
    while True:
        missing = addresses - {m.rcpt_tos[0] for m in list(sink.messages)}
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.1)


def _drill(tmp_path: Path, database_url: str, request, name: str) -> None:
    sink = SmtpSink()  # not started: the mail server is down as the burst begins
    env = {**server_env(database_url, tmp_path), **sink.env(), "MAIL_SEND_AFTER_COMMIT": "1"}
    slug = prepare_database(env, capacity=CAPACITY)
    sender = make_test_app(
        tmp_path, SQLALCHEMY_DATABASE_URI=sa_url(database_url), **sink.app_config()
    )
    emails = [f"person{n}@example.com" for n in range(PEOPLE)]
    try:
        with live_server(env, workers=2) as server:
            burst = Burst(server.url, slug, emails, spread=SPREAD_SECONDS).start()
            burst.wait_answered(BACK_AFTER)
            sink.start()
            back_at = time.monotonic()
            signups = burst.join()
            # Sign-ups made once the server is back are mailed straight away, no retry needed.
            after = {s.email for s in signups if s.posted_at > back_at and s.told_to_check_email}
            not_yet = _wait_for(sink, after, timeout=15)
            with sender.app_context():
                waiting = [r for r in _wait_until_quiet() if r.status == MessageStatus.PENDING]
            log = server.log()
        # The web server is gone, so nobody else is sending: the backlog goes when it is due.
        mailed_by_the_site = len(sink.messages)
        with sender.app_context():
            assert waiting, "no email waited for the mail server: the outage was missed"
            due = max(row.next_attempt_at for row in waiting)
            # The first retry of mail refused for want of a server is a minute away, not more.
            assert due <= utcnow() + backoff(1), due
            report = send_pending(now=due)
            outbox = _outbox()
            db.session.remove()
    finally:
        sink.stop()

    stored = read_stored(database_url, slug)
    received = Counter(m.rcpt_tos[0] for m in sink.messages)
    told = {s.email for s in signups if s.told_to_check_email}
    unmailed = sorted(told - set(received))
    duplicated = sum(count - 1 for count in received.values())
    server_errors = [s.describe() for s in signups if s.server_error]
    Figures(
        name,
        requests=len(signups),
        server_errors=len(server_errors),
        lost=len(set(lost(signups, stored)) | set(unmailed)),
        duplicated=duplicated,
        notes={
            "mailed_while_the_site_ran": mailed_by_the_site,
            "waiting_for_retry": len(waiting),
            "posted_after_the_server_came_back": len(after),
        },
    ).record(request.node)

    assert [s.describe() for s in signups if not s.told_to_check_email] == [], log
    assert 0 < len(after) < PEOPLE, "the server came back before or after the whole burst"
    assert not_yet == set(), f"mail for sign-ups after the server came back did not go: {not_yet}"
    assert lost(signups, stored) == []
    assert stored.half_saved() == []
    assert len(stored.confirmed()) == stored.confirmed_count == CAPACITY
    # Everyone got exactly one email, and nobody else got any.
    assert sorted(received) == sorted(told) == sorted(emails), (unmailed, received)
    assert duplicated == 0, {address: n for address, n in received.items() if n > 1}
    assert report.failed == 0 and report.sent == len(waiting), report
    assert {row.status for row in outbox} == {MessageStatus.SENT}
    assert sum(1 for row in outbox if row.attempts > 1) >= 1  # someone's was retried
    assert "Traceback" not in log, log


def test_mail_held_up_by_a_mail_server_outage_arrives_once_sqlite(tmp_path, request):
    _drill(tmp_path, f"sqlite:///{tmp_path / 'drill.sqlite'}", request, "SMTP down/up (SQLite)")


@pytest.mark.postgres
def test_mail_held_up_by_a_mail_server_outage_arrives_once_postgres(
    tmp_path, request, postgres_database_url
):
    _drill(tmp_path, postgres_database_url, request, "SMTP down/up (PostgreSQL)")
