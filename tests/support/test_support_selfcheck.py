"""Checks that the test-support helpers really work against real servers and tools."""

from __future__ import annotations

import http.client
import smtplib
import textwrap
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest
from flask import Flask, Response
from playwright.sync_api import Browser, Error, Page
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from nclw.events.cache import week_pages
from nclw.events.models import Event
from nclw.extensions import db, limiter
from tests.conftest import fresh_start, make_test_app
from tests.factories import make_event
from tests.support.browser import AXE_JS, DESKTOP_VIEWPORT, assert_no_axe_violations, check_axe
from tests.support.ci import in_ci
from tests.support.html_validation import (
    _messages_from_the_command_line,
    html_errors,
    html_errors_many,
)
from tests.support.live_server import live_server, run_flask
from tests.support.net import port_open
from tests.support.postgres import (
    base_url,
    check_server,
    drop_database,
    postgres_url,
    require_server,
)
from tests.support.smtp import SmtpSink

# --- SMTP -----------------------------------------------------------------------------------


def _message(subject: str = "Your ticket", to: str = "young.person@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "events@nclw.example"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("See you at the event – café included.")
    msg.add_alternative("<p>See you at the event</p>", subtype="html")
    return msg


def _send(sink: SmtpSink, msg: EmailMessage, timeout: float = 5.0) -> None:
    with smtplib.SMTP(sink.host, sink.port, timeout=timeout) as client:
        client.send_message(msg)


def test_smtp_sink_records_message(smtp_server: SmtpSink) -> None:
    _send(smtp_server, _message())

    [received] = smtp_server.wait_for(1)
    assert received.mail_from == "events@nclw.example"
    assert received.rcpt_tos == ["young.person@example.org"]
    assert received.subject == "Your ticket"
    assert "café" in received.text()
    assert received.html() is not None and "<p>See you" in received.html()
    assert b"Subject: Your ticket" in received.raw


def test_smtp_forced_421_then_success(smtp_server: SmtpSink) -> None:
    smtp_server.fail_next("421 try later")

    with pytest.raises(smtplib.SMTPDataError) as excinfo:
        _send(smtp_server, _message("first"))
    assert excinfo.value.smtp_code == 421
    assert smtp_server.messages == []

    _send(smtp_server, _message("second"))
    assert [m.subject for m in smtp_server.wait_for(1)] == ["second"]


def test_smtp_rcpt_rejected_with_550(smtp_server: SmtpSink) -> None:
    smtp_server.fail_next("550 no such user", on="RCPT")

    with pytest.raises(smtplib.SMTPRecipientsRefused) as excinfo:
        _send(smtp_server, _message())
    assert excinfo.value.recipients == {"young.person@example.org": (550, b"no such user")}
    assert smtp_server.messages == []


def test_smtp_fail_next_times(smtp_server: SmtpSink) -> None:
    smtp_server.fail_next("451 local error", times=2)
    for _ in range(2):
        with pytest.raises(smtplib.SMTPDataError):
            _send(smtp_server, _message())
    _send(smtp_server, _message())
    assert len(smtp_server.wait_for(1)) == 1


def test_smtp_stop_refuses_then_start_accepts_on_same_port(smtp_server: SmtpSink) -> None:
    port = smtp_server.port
    smtp_server.stop()
    with pytest.raises(ConnectionRefusedError):
        _send(smtp_server, _message("while down"))

    smtp_server.start()
    assert smtp_server.port == port
    _send(smtp_server, _message("after restart"))
    assert [m.subject for m in smtp_server.wait_for(1)] == ["after restart"]


def test_smtp_delay_slows_data_reply(smtp_server: SmtpSink) -> None:
    smtp_server.delay = 0.5
    started = time.monotonic()
    _send(smtp_server, _message())
    assert time.monotonic() - started >= 0.5

    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        _send(smtp_server, _message(), timeout=0.2)


def test_smtp_wait_for_times_out_readably(smtp_server: SmtpSink) -> None:
    with pytest.raises(AssertionError, match="expected 1 message"):
        smtp_server.wait_for(1, timeout=0.1)


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_database_is_usable(postgres_database_url: str) -> None:
    assert make_url(postgres_database_url).database.startswith("nclw_test_")
    engine = create_engine(postgres_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)"))
            conn.execute(text("INSERT INTO t (name) VALUES ('Sam')"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM t")).scalar_one() == "Sam"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_database_is_dropped_even_with_open_sessions() -> None:
    require_server()
    url = postgres_url()
    name = make_url(url).database
    # An open session must not stop the drop (WITH (FORCE)).
    lingering = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        drop_database(url)
    finally:
        lingering.close()
    admin = make_url(base_url()).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    assert found is None


def test_unreachable_postgres_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NCLW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert check_server()[0] is False

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL not reachable"):
        require_server()

    monkeypatch.setenv("CI", "true")
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL not reachable"):
        require_server()


# --- gunicorn live server -------------------------------------------------------------------

_TINY_WSGI = textwrap.dedent(
    """
    import os
    from flask import Flask

    app = Flask(__name__)

    @app.get("/")
    def index():
        return f"hello {os.environ.get('GREETING', '?')} from {os.getpid()}"

    @app.cli.command("hello")
    def hello():
        print("flask cli ok")
    """
)


@pytest.mark.slow  # starts gunicorn
@pytest.mark.parametrize(("worker_class", "threads"), [("sync", 1), ("gthread", 4)])
def test_live_server_serves_and_stops(tmp_path: Path, worker_class: str, threads: int) -> None:
    (tmp_path / "tinywsgi.py").write_text(_TINY_WSGI)
    with live_server(
        {"GREETING": "world"},
        workers=2,
        worker_class=worker_class,
        threads=threads,
        app="tinywsgi:app",
        cwd=tmp_path,
    ) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
        try:
            conn.request("GET", "/")
            body = conn.getresponse().read().decode()
        finally:
            conn.close()
        assert body.startswith("hello world from ")
    assert not port_open(server.host, server.port)

    assert "flask cli ok" in run_flask(["hello"], app="tinywsgi", cwd=tmp_path).stdout
    with pytest.raises(RuntimeError, match="No such command"):
        run_flask(["no-such-command"], app="tinywsgi", cwd=tmp_path)


@pytest.mark.slow  # starts gunicorn
@pytest.mark.parametrize("error", ["RuntimeError", "SystemExit"])
def test_live_server_reports_startup_crash(tmp_path: Path, error: str) -> None:
    (tmp_path / "broken.py").write_text(f"raise {error}('config is broken')\n")
    started = time.monotonic()
    with (
        pytest.raises(RuntimeError, match="config is broken"),
        live_server(app="broken:app", cwd=tmp_path),
    ):
        pass
    assert time.monotonic() - started < 10


# --- Browser, axe-core and the Nu HTML checker ----------------------------------------------

_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"
_GOOD_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Events - National Care Leavers' Week</title></head>
<body>
<header><nav aria-label="Main"><a href="/">Home</a></nav></header>
<main><h1>Events</h1>
<form method="post" action="/"><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email">
<button type="submit">Sign up</button></form></main>
<footer><p>NCLW</p></footer>
</body></html>
"""
_BAD_PAGE = """<!DOCTYPE html>
<html><head><title>Bad</title></head>
<body><main><h1>Bad</h1><img src="/x.png"><input type="text"></main></body></html>
"""


def _tiny_app() -> Flask:
    app = Flask("selfcheck")

    @app.get("/")
    def good() -> Response:
        return Response(_GOOD_PAGE, headers={"Content-Security-Policy": _CSP})

    @app.get("/bad")
    def bad() -> Response:
        return Response(_BAD_PAGE, headers={"Content-Security-Policy": _CSP})

    return app


@pytest.fixture(scope="module")
def tiny_site() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _tiny_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.e2e
def test_axe_passes_accessible_page_under_strict_csp(
    page: Page, tiny_site: str, tmp_path: Path
) -> None:
    page.goto(tiny_site + "/")
    assert page.viewport_size == {"width": 360, "height": 740}
    assert_no_axe_violations(page)
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.e2e
def test_axe_reports_violations_readably(page: Page, tiny_site: str) -> None:
    page.goto(tiny_site + "/bad")
    ids = {v.id for v in check_axe(page)}
    assert {"image-alt", "html-has-lang", "label"} <= ids

    with pytest.raises(AssertionError) as excinfo:
        assert_no_axe_violations(page)
    report = str(excinfo.value)
    assert "image-alt" in report and "img" in report and "alternative text" in report


@pytest.mark.e2e
def test_csp_still_enforced_and_inline_script_tag_blocked(page: Page, tiny_site: str) -> None:
    page.goto(tiny_site + "/")
    # Playwright injects path= scripts inline, which script-src 'self' forbids.
    with pytest.raises(Error):
        page.add_script_tag(path=str(AXE_JS))
    check_axe(page)
    assert page.evaluate("() => typeof axe") == "object"


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [DESKTOP_VIEWPORT])
def test_viewport_can_be_overridden(page: Page, tiny_site: str) -> None:
    page.goto(tiny_site + "/")
    assert page.viewport_size == DESKTOP_VIEWPORT


@pytest.mark.e2e
def test_browser_fixture_is_session_wide(browser: Browser) -> None:
    assert browser.is_connected()


@pytest.mark.slow  # runs the Nu HTML checker (Java)
def test_html_errors_flags_broken_and_passes_valid() -> None:
    assert html_errors(_GOOD_PAGE) == []
    errors = html_errors("<!DOCTYPE html><html lang=en><title>x</title><p><div>oops</p>")
    assert any("“p” element in scope" in e for e in errors), errors


@pytest.mark.slow  # runs the Nu HTML checker (Java)
def test_html_errors_many_attributes_errors_per_document() -> None:
    result = html_errors_many(
        {"good": _GOOD_PAGE, "bad": _BAD_PAGE.replace("<main>", "<main><main>")}
    )
    assert result["good"] == []
    assert result["bad"]


@pytest.mark.slow  # runs the Nu HTML checker (Java) from the command line
def test_the_command_line_checker_finds_what_the_server_finds() -> None:
    """Without the checker server the command line is used: it must report the same."""
    broken = "<!DOCTYPE html><html lang=en><title>x</title><p><div>oops</p>"
    found = _messages_from_the_command_line({"good": _GOOD_PAGE, "bad": broken})
    assert found["good"] == []
    by_server = html_errors(broken)
    assert [m["message"] for m in found["bad"] if m["type"] == "error"] == [
        e.split(": ", 1)[1].rsplit(" [", 1)[0] for e in by_server
    ]


def test_each_test_starts_the_shared_app_afresh(_shared_app, tmp_path: Path) -> None:
    """What one test leaves in the shared app is gone for the next: rows (ids start at 1
    again), kept pages, changed settings and a rate limiter another app switched on."""
    with fresh_start(_shared_app, tmp_path / "first"):
        first = make_event(title="Left behind")
        assert first.id == 1
        assert _shared_app.test_client().get("/").status_code == 200
        assert week_pages().misses == 1
        _shared_app.config["RETENTION_DAYS"] = 1
        make_test_app(tmp_path / "other", RATELIMIT_ENABLED=True)
        assert limiter.enabled
    with fresh_start(_shared_app, tmp_path / "second"):
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        assert make_event(title="Fresh").id == 1
        assert (week_pages().hits, week_pages().misses) == (0, 0)
        assert _shared_app.config["RETENTION_DAYS"] != 1
        assert not limiter.enabled
        assert _shared_app.config["MAIL_FILE_DIRECTORY"] == str(tmp_path / "second" / "mail")


def test_a_new_app_counts_in_its_own_store_even_after_one_found_its_store_down(tmp_path):
    """The limiter is one object per process; a dead store seen by one app is not the next's."""
    from nclw.extensions import limiter

    limiter._storage_dead = True
    make_test_app(tmp_path)
    assert limiter._storage_dead is False
