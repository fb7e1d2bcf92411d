"""A personal adviser books for young people on a 360px phone, without JavaScript: more rows
by a plain button, the result page, the summary email's link, and cancelling one ticket
(real Chromium, gunicorn and the demo week; axe with JavaScript on only for axe)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
ADVISER = "sam.adviser@bedford.example.org"


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _fill_adviser(page: Page) -> None:
    page.get_by_label("Your full name").fill("Sam Adviser")
    page.get_by_label("Email address").fill(ADVISER)
    page.get_by_label("Organisation").fill("Bedford Leaving Care")
    page.get_by_label("Your role").fill("Personal adviser")


def test_an_adviser_books_three_young_people_and_cancels_one(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        form_path = f"/events/{site.slug('Luton')}/book-for-young-people"
        with new_page(browser, PHONE) as page:  # JavaScript on, only for axe
            page.goto(site.url + form_path)
            assert_no_axe_violations(page)
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Book places").click()
            assert "There is a problem" in page.inner_text("main")
            assert_no_axe_violations(page)

        with new_page(browser, PHONE, java_script_enabled=False) as page:
            page.goto(site.url + f"/events/{site.slug('Luton')}")
            with page.expect_navigation():
                page.get_by_role("link", name="Booking for young people you support?").click()
            assert page.inner_text("h1") == "Book for young people you support"
            _fits(page)
            _fill_adviser(page)
            page.locator("#young_people-0-first_name").fill("Amir")
            page.locator("#young_people-1-first_name").fill("Bea")
            page.locator("#young_people-2-first_name").fill("Cyrus")
            page.locator("#young_people-2-email").fill("cyrus.demo@example.org")
            assert page.locator("input[name$='-first_name']").count() == 5
            with page.expect_navigation():
                page.get_by_role("button", name="Add more rows").click()
            assert page.locator("input[name$='-first_name']").count() == 10
            assert page.locator("#young_people-0-first_name").input_value() == "Amir"
            page.get_by_label(
                re.compile("Everyone I am booking for is aged 16 and over and is in care")
            ).check()
            with page.expect_navigation():
                page.get_by_role("button", name="Book places").click()
            main = " ".join(page.inner_text("main").split())
            assert page.inner_text("h1") == "Booking made", main
            # The Luton event is full: both tickets sent to the adviser wait.
            assert "2 are on the waiting list, because places ran out" in main
            assert "We are emailing 1 young person at their own address" in main
            _fits(page)

            with page.expect_navigation():
                page.click("main a:has-text('development mailbox')")
            with page.expect_navigation():
                page.get_by_role("button", name="Send waiting emails now").click()
            summary = page.locator(".event-card").filter(has_text=ADVISER)
            with page.expect_navigation():
                summary.get_by_role("link").filter(has_text="Your booking for young people").click()
            text = page.inner_text("pre.mail-text")
            assert "Amir:" in text and "Bea:" in text and "Cyrus" not in text
            booking_path = re.search(r"https?://[^/\s]+(/bookings/[\w-]+)", text)[1]

            page.goto(site.url + booking_path)
            assert page.inner_text("h1") == "Your booking for young people"
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name=re.compile("Cancel Amir's ticket")).click()
            assert "is cancelled" in page.inner_text("main")
        statuses = site.query(
            "SELECT first_name, status FROM registrations WHERE booking_id IS NOT NULL "
            "AND email = ? ORDER BY id",
            ADVISER,
        )
        assert statuses == [("Amir", "cancelled"), ("Bea", "waiting")]

        with new_page(browser, PHONE) as page:  # the booking page, for axe
            page.goto(site.url + booking_path)
            assert_no_axe_violations(page)
