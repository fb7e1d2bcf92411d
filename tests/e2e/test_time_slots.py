"""Choosing a time slot at sign-up and changing it from the ticket, on a 360px phone without
JavaScript (real Chromium, gunicorn and the demo week's mock interviews; axe on each page,
with JavaScript on only for axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
ADDRESS = "Rio.Slots@Example.com"
WAITER = "Kit.Waits@Example.com"
FULL_WAIT = "full, join the waiting list for this time"


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _labels_beside_their_radios(page: Page) -> None:
    # A long time ("10am to 10:20am: full, join the waiting list…") wraps beside its radio:
    # under it, the words would look like the label of the radio below.
    under = page.evaluate(
        """() => [...document.querySelectorAll('.radio')].filter(row => {
            const radio = row.querySelector('input').getBoundingClientRect();
            const label = row.querySelector('label').getBoundingClientRect();
            return label.top >= radio.bottom || label.left < radio.right;
        }).map(row => row.querySelector('label').textContent)"""
    )
    assert under == [], under


def test_choose_a_slot_at_sign_up_then_change_it_from_the_ticket(
    browser: Browser, tmp_path, demo_week
):
    with demo_site(tmp_path, demo_week) as site:
        form_path = f"/events/{site.slug('Mock interviews')}/register"
        with new_page(browser, PHONE) as page:
            page.goto(site.url + form_path)
            assert_no_axe_violations(page)
            _fits(page)
            _labels_beside_their_radios(page)

        with new_page(browser, PHONE, java_script_enabled=False) as page:
            page.goto(site.url + form_path)
            times = page.get_by_role("group", name="Choose a time")
            # Five of the twelve are taken. The demo keeps a waiting list for each time, so
            # they are offered too, clearly as full times to wait for.
            assert times.get_by_role("radio").count() == 12
            assert times.get_by_label(f"10am to 10:20am: {FULL_WAIT}").count() == 1
            page.fill("#first_name", "Rio")
            page.fill("#email", ADDRESS)
            page.get_by_label("I am in care or have left care").check()
            times.get_by_label("10:40am to 11am").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Get my ticket").click()
            ticket = site.open_emailed_ticket(page, ADDRESS, "Your ticket")
            assert "10:40am to 11am" in page.inner_text("#your-time")
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("link", name="Change my time").click()
            assert page.inner_text("h1") == "Change your time"
            # Their own time is not offered again; the free ones are.
            assert page.get_by_role("radio").count() == 6
            page.get_by_label("11:40am to 12 noon").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Change my time").click()
            assert page.url.endswith(ticket)
            assert "Your new time is" in page.inner_text("main")
            assert "11:40am to 12 noon" in page.inner_text("#your-time")
            _fits(page)

        with new_page(browser, PHONE) as page:
            page.goto(site.url + ticket)
            assert_no_axe_violations(page)
            page.goto(site.url + ticket + "/time")
            assert_no_axe_violations(page)
            _fits(page)

        held = site.query(
            "SELECT s.confirmed_count FROM slot_bookings b"
            " JOIN registrations r ON r.id = b.registration_id"
            " JOIN event_slots s ON s.id = b.slot_id WHERE r.email_normalised = ?",
            ADDRESS.lower(),
        )
        assert held == [(1,)]
        # The slot given up is free again: five taken at the start, one more now.
        counts = site.query(
            "SELECT sum(s.confirmed_count) FROM event_slots s JOIN events e ON e.id = s.event_id"
            " WHERE e.title LIKE 'Mock interviews%'"
        )
        assert counts == [(6,)]


def test_wait_for_a_full_time_on_a_phone_without_javascript(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        form_path = f"/events/{site.slug('Mock interviews')}/register"
        with new_page(browser, PHONE, java_script_enabled=False) as page:
            page.goto(site.url + form_path)
            times = page.get_by_role("group", name="Choose a time")
            page.fill("#first_name", "Kit")
            page.fill("#email", WAITER)
            page.get_by_label("I am in care or have left care").check()
            times.get_by_label(f"10am to 10:20am: {FULL_WAIT}").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Get my ticket").click()
            ticket = site.open_emailed_ticket(page, WAITER, "You are on the waiting list")
            waiting = page.inner_text("#your-time")
            assert "The time you wait for" in waiting and "10am to 10:20am" in waiting
            # Niamh, in the demo, was waiting for that time first.
            assert "On the waiting list (number 2)" in page.inner_text("main")
            assert "Change my time" not in page.inner_text("main")
            _fits(page)
        with new_page(browser, PHONE) as page:
            page.goto(site.url + ticket)
            assert_no_axe_violations(page)
        waits = site.query(
            "SELECT s.starts_at = e.starts_at FROM slot_waits w"
            " JOIN registrations r ON r.id = w.registration_id"
            " JOIN event_slots s ON s.id = w.slot_id JOIN events e ON e.id = s.event_id"
            " WHERE r.email_normalised = ? AND r.status = 'waiting'",
            WAITER.lower(),
        )
        assert waits == [(1,)]
