"""Bringing a supporter on a 360px phone, without JavaScript: sign up with one at the demo
conference (the pair waits, as only one place is left), then remove them from the ticket
page, which asks first; alone, the young person takes the last place. Real Chromium,
gunicorn and the demo week; axe on each page, with JavaScript on only for axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
ADDRESS = "riley@example.org"


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _checked(browser: Browser, url: str) -> None:
    """axe (which needs JavaScript) on a page a GET shows, in a browser of its own."""
    with new_page(browser, PHONE) as page:
        page.goto(url)
        assert_no_axe_violations(page)
        _fits(page)


def _pair(site: DemoSite) -> list[tuple]:
    return site.query(
        "SELECT r.status, s.first_name, s.role FROM registrations r "
        "LEFT JOIN supporters s ON s.registration_id = r.id WHERE r.email = ?",
        ADDRESS,
    )


def test_sign_up_with_a_supporter_then_remove_them(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        form_url = f"{site.url}/events/{site.slug('TOGETHER')}/register"
        _checked(browser, form_url)
        with new_page(browser, PHONE, java_script_enabled=False) as page:
            page.goto(form_url)
            assert "The event's age and care experience rules are for you" in page.inner_text(
                "main"
            )
            page.fill("#first_name", "Riley")
            page.fill("#email", ADDRESS)
            page.fill("#organisation_name", "Example Council")
            page.fill("#job_role", "Apprentice")
            page.get_by_label("Yes", exact=True).check()
            page.fill("#supporter_first_name", "Jo")
            page.get_by_label("Carer").check()
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Get my ticket").click()
            ticket = site.open_emailed_ticket(page, ADDRESS, "You are on the waiting list")
            main = page.inner_text("main")
            assert "Jo (carer) is coming with you" in main
            assert "On the waiting list" in main
            _fits(page)
            # One place was left: the pair waits for two together.
            assert _pair(site) == [("waiting", "Jo", "carer")]
            _checked(browser, site.url + ticket)

            with page.expect_navigation():
                page.get_by_role("link", name="Remove your supporter").click()
            assert page.inner_text("h1") == "Remove Jo from your ticket?"
            _checked(browser, page.url)
            assert _pair(site) == [("waiting", "Jo", "carer")]  # the page only asks
            with page.expect_navigation():
                page.get_by_role("button", name="Yes, remove my supporter").click()
            main = page.inner_text("main")
            assert "Your supporter is no longer on your ticket" in main
            assert "Jo (carer)" not in main
            _fits(page)
        # Alone now, Riley fits the one place left.
        assert _pair(site) == [("confirmed", None, None)]
        ((count, capacity),) = site.query(
            "SELECT confirmed_count, capacity FROM events WHERE slug = ?", site.slug("TOGETHER")
        )
        assert count == capacity
