"""A young person's journey on a phone in Welsh and in Arabic: week, support, event, sign-up,
the confirmation, the ticket, a question and cancelling, in a real Chromium.

Every page says its language and direction, passes axe and the Nu HTML checker, and fits a
360px screen; the Arabic pages lay out from the right with phone numbers and references still
read left to right; the email with the ticket is in the ticket's language, with its invite.

Pages are found by structure (ids, roles, addresses), never by their words, so the test holds
whatever the translations say.
"""

from __future__ import annotations

import email
import os
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import AXE_JS, PHONE_VIEWPORT, assert_no_axe_violations, new_page
from tests.support.ci import unavailable
from tests.support.html_validation import html_errors_many
from tests.support.tickets import ticket_token_in

pytestmark = pytest.mark.e2e

LANGS = {"cy": ("cy", "ltr"), "ar": ("ar", "rtl")}
# `NCLW_SHOTS=/tmp/rtl-shots` keeps a photograph of each page, to look at the layout.
SHOTS = os.environ.get("NCLW_SHOTS")

# Where on screen the first and last letters of an element's text are drawn.
_ENDS = """(element) => {
    const text = element.firstChild;
    const range = document.createRange();
    const box = (at) => { range.setStart(text, at); range.setEnd(text, at + 1);
                          return range.getBoundingClientRect().left; };
    return [box(0), box(text.length - 1)];
}"""


# How far the first line of an element's text is from its left and right edges (inside padding).
_FIRST_LINE = """(element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const line = range.getClientRects()[0];
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [line.left - box.left - parseFloat(style.paddingLeft),
            box.right - parseFloat(style.paddingRight) - line.right];
}"""


@pytest.fixture
def site(tmp_path, demo_week):
    # No mail server: emails are sent straight after each commit, as .eml files in mail/.
    with demo_site(tmp_path, demo_week, {"MAIL_SEND_AFTER_COMMIT": "1"}) as running:
        yield running


class Journey:
    """Pages in one language, each checked as it is reached and kept for the HTML checker."""

    def __init__(self, page: Page, site: DemoSite, code: str) -> None:
        if not AXE_JS.is_file():
            unavailable(f"{AXE_JS} missing; run tests/support/install-node-deps.sh (needs npm)")
        self.page, self.site, self.code = page, site, code
        self.html: dict[str, str] = {}

    def check(self, name: str, html: str) -> None:
        lang, direction = LANGS[self.code]
        found = self.page.evaluate("() => [document.documentElement.lang, document.dir]")
        assert found == [lang, direction], f"{name}: {found}"
        assert self.page.url.startswith(f"{self.site.url}/{self.code}/"), self.page.url
        assert_no_axe_violations(self.page)
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE_VIEWPORT["width"], f"{name} is {width}px wide"
        self.html[f"{self.code} {name}"] = html
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{SHOTS}/{self.code}-{name}.png", full_page=True)

    def visit(self, name: str, path: str) -> None:
        response = self.page.goto(f"{self.site.url}/{self.code}{path}")
        assert response is not None and response.status == 200, path
        self.check(name, response.text())

    def follow(self, name: str, selector: str) -> None:
        """Click a link or a button that leads to a new page."""
        with self.page.expect_navigation() as navigation:
            self.page.locator(selector).first.click()
        response = navigation.value
        assert response is not None and response.status == 200, f"{name}: {response.status}"
        self.check(name, response.text())


def _email_to(folder: Path, address: str, kind: str, timeout: float = 30) -> EmailMessage:
    """The .eml file of kind `kind` written for `address` (the after-commit sender writes it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob(f"*-{kind}.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            if address in str(message["To"]):
                return message  # type: ignore[return-value]
        time.sleep(0.2)
    seen = sorted(path.name for path in folder.glob("*.eml")) if folder.exists() else []
    raise AssertionError(f"no {kind} email to {address} within {timeout}s; found {seen}")


def _check_email(message: EmailMessage, code: str) -> str:
    """The email is in the ticket's language and carries its invite; returns the ticket path."""
    lang, direction = LANGS[code]
    html = message.get_body(("html",)).get_content()
    assert f'lang="{lang}"' in html.split(">", 2)[1], html[:300]
    if direction == "rtl":
        assert 'dir="rtl"' in html.split(">", 2)[1], html[:300]
    invites = [
        part
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
        or str(part.get_filename() or "").endswith(".ics")
    ]
    assert invites, [part.get_content_type() for part in message.walk()]
    assert "BEGIN:VEVENT" in invites[0].get_content()
    text = message.get_body(("plain",)).get_content()
    token = ticket_token_in(text)
    # If the link names a language, it is the ticket's.
    assert f"/tickets/{token}" in text
    assert not any(
        f"/{other}/tickets/{token}" in text for other in ("en", "cy", "ar") if other != code
    )
    return f"/tickets/{token}"


def _reads_left_to_right(page: Page, selector: str) -> None:
    """The element's text reads from left to right, even inside right-to-left text."""
    first, last = page.locator(selector).first.evaluate(_ENDS)
    assert first < last, f"{selector} is drawn right to left ({first} > {last})"


def _mirrored(page: Page) -> None:
    """An Arabic page starts from the right: the site's name, and the heading's first line."""
    box = page.locator(".site-name").bounding_box()
    assert box is not None
    assert PHONE_VIEWPORT["width"] - (box["x"] + box["width"]) < box["x"], box
    gap_left, gap_right = page.locator("main h1").first.evaluate(_FIRST_LINE)
    assert gap_right < 1, (gap_left, gap_right)


@pytest.mark.parametrize("code", ["cy", "ar"])
def test_a_young_persons_journey_in_welsh_and_in_arabic(browser: Browser, site, code):
    address = f"rtl-{code}@example.org"
    careers = site.slug("careers")
    with new_page(browser, PHONE_VIEWPORT) as page:
        journey = Journey(page, site, code)
        journey.visit("week", "/")
        if code == "ar":
            _mirrored(page)
            _reads_left_to_right(page, ".site-footer .phone")
        # The header's "Get support" leads to a page in the same language.
        journey.follow("support", "header a[href$='/support']")
        journey.follow("week again", "header a[href$='/']")
        journey.follow("event", f"main a[href$='/events/{careers}']")
        journey.follow("sign-up", f"main a.button[href$='/events/{careers}/register']")
        page.fill("#first_name", "Dilys")
        page.fill("#email", address)
        page.check("#declared_care_experienced")
        journey.follow("confirmation", "main form button[type=submit]")
        assert address in page.inner_text("main")

        # The site's instance folder is the demo database's: its emails are in mail/ there.
        message = _email_to(site.database.parent / "mail", address, "ticket_confirmed")
        ticket = f"/tickets/{ticket_token_in(message.get_body(('plain',)).get_content())}"
        journey.visit("ticket", ticket)
        reference = page.inner_text(".reference")
        assert reference.startswith("NCLW-") and reference in str(message["Subject"])
        if code == "ar":
            _mirrored(page)
            _reads_left_to_right(page, ".reference")

        page.fill("#questions textarea", "Pa sgiliau sydd eu hangen? ما المهارات المطلوبة؟")
        journey.follow("question sent", "#questions form button[type=submit]")
        assert page.url.endswith("#question-sent"), page.url
        assert "ما المهارات المطلوبة؟" in page.inner_text("#questions")

        journey.follow("cancel", f"main a.button[href$='{ticket}/cancel']")
        journey.follow("cancelled", "main form button[type=submit]")
        assert page.url == f"{site.url}/{code}{ticket}"
        assert page.locator(f"main a[href$='{ticket}/cancel']").count() == 0
    assert site.query(
        "SELECT status, language FROM registrations WHERE email_normalised = ?", address
    ) == [("cancelled", code)]
    errors = html_errors_many(journey.html)
    assert {name: found for name, found in errors.items() if found} == {}
    # Last, so that everything above is known to work whatever this finds.
    assert _check_email(message, code) == ticket
