"""The ticket in the pocket, on a 360px phone: the QR code in the email,
calendar links on the ticket, "Lost your ticket?" and subscribing to the week."""

from __future__ import annotations

import io
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import demo_site
from tests.support.browser import AXE_JS, assert_no_axe_violations, new_page
from tests.support.ci import unavailable
from tests.support.smtp import ReceivedMessage, SmtpSink
from tests.support.tickets import ticket_token_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
FORUM = "Benchmarking Forum"


@pytest.fixture
def site(tmp_path, smtp_server: SmtpSink, demo_week):
    env = {**smtp_server.env(), "MAIL_SEND_AFTER_COMMIT": "1"}
    with demo_site(tmp_path, demo_week, env) as running:
        yield running


@pytest.fixture
def phone(browser: Browser):
    if not AXE_JS.is_file():
        unavailable(f"{AXE_JS} missing; run tests/support/install-node-deps.sh (needs npm)")
    with new_page(browser, PHONE) as page:
        yield page


def _mail(sink: SmtpSink, address: str, subject_part: str, count: int = 1) -> ReceivedMessage:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [
            m
            for m in list(sink.messages)
            if address in m.rcpt_tos and subject_part.lower() in m.subject.lower()
        ]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.2)
    raise AssertionError(f"no '{subject_part}' email number {count} to {address}")


def _qr_text(message: ReceivedMessage) -> str:
    [image] = [p for p in message.message.walk() if p.get_content_type() == "image/png"]
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    return code.text


def _fits_and_passes_axe(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_ticket_in_the_pocket_from_sign_up_to_lost_and_found(
    phone: Page, browser: Browser, site, smtp_server
):
    address = "ola.pocket@example.com"
    phone.goto(site.url + "/")
    # The week: subscribe in a calendar app or Google Calendar, for everyone or one audience.
    subscribe = phone.locator("#subscribe").locator("xpath=..")
    assert subscribe.locator("a[href^='webcal://']").count() == 3
    assert (
        subscribe.locator("a[href^='https://calendar.google.com/calendar/render?cid=']").count()
        == 3
    )
    _fits_and_passes_axe(phone)

    phone.click(f"a:has-text('{FORUM}')")
    event_page = phone.url
    phone.click("a.button:has-text('Get a free ticket')")
    phone.fill("#first_name", "Ola")
    phone.fill("#email", address)
    with phone.expect_navigation():
        phone.click("button[type=submit]")
    assert phone.inner_text("h1") == "Check your email"

    # The email carries the door's QR code: the check-in desk with this ticket's reference.
    email = _mail(smtp_server, address, "Your ticket")
    [(event_id, reference)] = site.query(
        "SELECT event_id, reference FROM registrations WHERE email_normalised = ?", address
    )
    assert _qr_text(email).endswith(f"/admin/events/{event_id}/check-in?reference={reference}")
    assert reference in email.text()

    # The ticket page adds the event to Google Calendar or Outlook, as well as the file.
    phone.goto(site.url + f"/tickets/{ticket_token_in(email.text())}")
    assert phone.locator("a:has-text('Add to Google Calendar')").count() == 1
    assert phone.locator("a:has-text('Add to Outlook')").count() == 1
    assert phone.locator("a:has-text('Download a calendar file')").count() == 1
    _fits_and_passes_axe(phone)

    # Lost it? The event page links to a form that sends it again, and says what it would
    # say to anyone.
    phone.goto(event_page)
    _fits_and_passes_axe(phone)
    with phone.expect_navigation():
        phone.click("a:has-text('Lost your ticket?')")
    _fits_and_passes_axe(phone)
    phone.fill("input[type=email]", address)
    with phone.expect_navigation():
        phone.click("button:has-text('Email my ticket again')")
    said = phone.inner_text("main")
    assert "If that address has a ticket for this event, we have emailed it again." in said
    _fits_and_passes_axe(phone)
    again = _mail(smtp_server, address, "Your ticket again")
    assert _qr_text(again) == _qr_text(email)

    # A stranger, on a phone without JavaScript, is told the very same.
    with new_page(browser, PHONE, java_script_enabled=False) as plain:
        plain.goto(event_page + "/lost-ticket")
        plain.fill("input[type=email]", "nobody.here@example.com")
        with plain.expect_navigation():
            plain.click("button:has-text('Email my ticket again')")
        assert plain.inner_text("main") == said
