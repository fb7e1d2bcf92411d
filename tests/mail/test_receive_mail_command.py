"""`flask nclw receive-mail`, run as an operator runs it, takes a Thunderbird "no" over LMTP."""

from __future__ import annotations

import os
import signal
import smtplib
import sqlite3
import subprocess
from pathlib import Path

import pytest

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.factories import make_event, make_registration
from tests.support.calendar_replies import invite_for, thunderbird_email, thunderbird_reply_calendar
from tests.support.database import SQLITE_FILE, sqlite_url
from tests.support.live_server import PROJECT_ROOT, venv_script
from tests.support.net import free_port, wait_for_port

pytestmark = pytest.mark.slow

DOMAIN = "replies.nclw.test"


def test_the_command_frees_a_place_and_stops_cleanly_on_sigterm(tmp_path: Path):
    app = make_test_app(tmp_path, RSVP_ADDRESS_DOMAIN=DOMAIN)
    with app.app_context():
        event = make_event(capacity=1)
        holder = make_registration(event)
        make_registration(event, status="waiting")
        calendar = thunderbird_reply_calendar(invite_for(holder), "DECLINED")
        address = f"rsvp+{holder.rsvp_code}@{DOMAIN}"
        message = thunderbird_email(calendar, to=address, sender=holder.email)
        holder_id, holder_email = holder.id, holder.email
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    port = free_port()
    env = {**os.environ, **server_env(sqlite_url(tmp_path), tmp_path)}
    env["RSVP_ADDRESS_DOMAIN"] = DOMAIN
    command = [str(venv_script("flask")), "--app", "wsgi", "nclw", "receive-mail"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--lmtp"]
    server = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert wait_for_port("127.0.0.1", port, timeout=30), "the receiver did not start"
        with smtplib.LMTP("127.0.0.1", port, timeout=10) as client:
            assert client.sendmail(holder_email, [address], message) == {}
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output.decode()
    assert b"Stopped." in output
    # Whatever it logs never says who.
    assert holder_email.encode() not in output and address.encode() not in output

    with sqlite3.connect(tmp_path / SQLITE_FILE) as conn:
        row = conn.execute(
            "SELECT status, released_via, place_taken_again FROM registrations WHERE id = ?",
            (holder_id,),
        ).fetchone()
    assert row == ("cancelled", "calendar_reply", 1)
