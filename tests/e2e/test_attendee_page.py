"""An organiser opens one attendee's page from the list and corrects a typo in their email,
on a 360px phone: real Chromium, gunicorn and the demo week, axe on each screen (JavaScript
is on only for axe-core: the page ships no scripts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import demo_site
from tests.e2e.signup_storm import server_env
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.live_server import run_flask

pytestmark = pytest.mark.e2e

EMAIL = "lead@nclw.example"
PASSWORD = "a long organiser passphrase"
PHONE = {"width": 360, "height": 740}


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_an_organiser_corrects_an_attendees_email_on_a_phone(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        env = server_env(f"sqlite:///{site.database}", tmp_path)
        run_flask(
            ["nclw", "create-organiser", EMAIL, "--name", "Lead", "--password-file", str(secret)],
            env,
        )
        ((event_id,),) = site.query("SELECT id FROM events WHERE title LIKE 'TOGETHER%'")
        old = f"priya.{event_id}.3@example.org"
        with new_page(browser, PHONE) as page:
            page.goto(site.url + "/sign-in")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            _submit(page, "Sign in")

            page.goto(f"{site.url}/admin/events/{event_id}/attendees?q={old}")
            with page.expect_navigation():
                page.get_by_role("link", name="Priya", exact=True).click()
            main = page.inner_text("main")
            assert old in main and "Access needs" in main and "History" in main
            _fits(page)

            page.fill("#email", "not an address")
            _submit(page, "Save the correction")
            assert "There is a problem" in page.inner_text("main")
            _fits(page)

            page.fill("#email", "priya@example.net")
            _submit(page, "Save the correction")
            main = page.inner_text("main")
            assert "telling the old one" in main
            assert "To priya@example.net" in main and f"To {old}" in main
            assert "Lead corrected the details on Priya's ticket" in main
            _fits(page)
