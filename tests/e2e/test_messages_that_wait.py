"""An organiser sets a message to go later from a saved template, changes one, cancels one,
and sees it sent by the timer's command: real Chromium on a 360px phone, gunicorn, the demo
week, a real SMTP sink and axe-core on every screen."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page

from nclw.timezones import to_uk, utcnow
from tests.e2e.demo_site import demo_site
from tests.e2e.signup_storm import server_env
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.live_server import run_flask
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.e2e

EMAIL = "lead@nclw.example"
PASSWORD = "a long organiser passphrase"
PHONE = {"width": 360, "height": 740}
CONFERENCE = "TOGETHER: the National Care Leavers' Week conference"


def _check(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _submit(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _thanks(sink: SmtpSink) -> list:
    return [m for m in sink.messages if m.subject.startswith("Thank you for coming to")]


def test_a_message_waits_is_changed_and_goes_once(
    browser: Browser, smtp_server: SmtpSink, tmp_path, demo_week
):
    with demo_site(tmp_path, demo_week, smtp_server.env()) as site:
        env = {**server_env(f"sqlite:///{site.database}", tmp_path), **smtp_server.env()}
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        run_flask(
            ["nclw", "create-organiser", EMAIL, "--name", "Lead", "--password-file", str(secret)],
            env,
        )
        ((event_id,),) = site.query("SELECT id FROM events WHERE title = ?", CONFERENCE)
        ((demo_message_id,),) = site.query(
            "SELECT id FROM event_messages WHERE event_id = ? AND state = 'scheduled'", event_id
        )
        with new_page(browser, PHONE) as page:
            page.goto(site.url + "/admin/")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            _submit(page, "Sign in")

            # The demo's waiting message is listed, with a way to change or cancel it.
            page.goto(f"{site.url}/admin/events/{event_id}")
            with page.expect_navigation():
                page.click("text=Messages sent and waiting")
            assert "Waiting to go" in page.content()
            _check(page)

            # Start from a saved template, and set it for a time later today.
            with page.expect_navigation():
                page.click("text=Write a message")
            page.select_option("#template", label="Thank you for coming")
            _submit(page, "Use this template")
            assert page.input_value("#subject") == "Thank you for coming to {event_title}"
            _check(page)
            page.check("text=At a time I choose")
            soon = to_uk(utcnow() + timedelta(hours=1))
            page.fill("#send_at", str(soon.day))
            page.fill("#send_at-month", str(soon.month))
            page.fill("#send_at-year", str(soon.year))
            page.fill("#send_at-time", f"{soon:%H:%M}")
            _submit(page, "Preview")
            assert f"Thank you for coming to {CONFERENCE}" in page.content()
            _check(page)
            page.locator("button", has_text="Set it to go").click()
            page.wait_for_url(f"**/admin/events/{event_id}/messages")
            assert "Your message will go" in page.content()
            assert page.content().count("Waiting to go") == 2
            _check(page)

            # Change the demo's message: a new subject; then cancel it.
            page.goto(f"{site.url}/admin/events/{event_id}/messages/{demo_message_id}/edit")
            _check(page)
            page.fill("#subject", "Tomorrow: {event_title}")
            _submit(page, "Save the changes")
            assert "Message changed" in page.content()
            cancel = page.locator(f"form[action$='/messages/{demo_message_id}/cancel'] button")
            assert "Tomorrow: {event_title}" in cancel.inner_text()
            with page.expect_navigation():
                cancel.click()
            assert "Message cancelled" in page.content()
            assert "Cancelled (was to go" in page.content()

            # Its time comes (moved for the test), and two overlapping runs send it once.
            site.query("UPDATE event_messages SET send_at = created_at WHERE state = 'scheduled'")
            for _ in range(2):
                run_flask(["nclw", "send-scheduled-messages"], env)
            run_flask(["nclw", "send-mail"], env)
            (confirmed,) = site.query(
                "SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
                event_id,
            )[0]
            # Counted by subject, not by all mail: the demo week sends emails of its own.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(_thanks(smtp_server)) < confirmed:
                time.sleep(0.2)
            time.sleep(1)  # a second copy, if one were sent, would arrive by now
            received = list(smtp_server.messages)
            assert len(_thanks(smtp_server)) == confirmed
            assert not any(m.subject.startswith("Tomorrow") for m in received)
            page.goto(f"{site.url}/admin/events/{event_id}/messages")
            assert f"{confirmed} emails: {confirmed} sent" in page.content()
            _check(page)

            page.goto(site.url + "/admin/audit")
            log = page.inner_text(".audit-log")
            for sentence in (
                "Lead set a message to the people signed up for",
                "Lead changed a waiting message for",
                "Lead cancelled a waiting message for",
                "The system sent a waiting message to the people signed up for",
            ):
                assert sentence in log, sentence
