"""One sign-up that uses all of an event's own shape at once: two questions of its own, a
supporter and a time slot, on a 360px phone, with JavaScript on (axe checked) and off.

Real Chromium, gunicorn and the demo week. The demo's mock interviews are given, in the
database as an organiser's screens would leave them, two questions, supporters, and two
times with room for two people.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
ROLE = "What would you like to practise for?"
KNOW = "Anything the interviewer should know?"


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _shape_the_event(site: DemoSite) -> tuple[int, list[int]]:
    """Questions, supporters and two 2-place times on the mock interviews; returns the event
    and the two times' ids."""
    ((event_id,),) = site.query("SELECT id FROM events WHERE slug = ?", site.slug("mock"))
    free = [
        slot_id
        for (slot_id,) in site.query(
            "SELECT id FROM event_slots WHERE event_id = ? AND confirmed_count = 0 "
            "ORDER BY starts_at LIMIT 2",
            event_id,
        )
    ]
    site.query(
        "UPDATE event_slots SET capacity = 2 WHERE id IN (?, ?)", *free
    )  # a time with room for a young person and their supporter
    site.query(
        "UPDATE events SET capacity = capacity + 2, supporters_allowed = 1 WHERE id = ?", event_id
    )
    for position, kind, label, choices, required in (
        (1, "one_choice", ROLE, "An apprenticeship\nA first job\nUniversity", 1),
        (2, "long_text", KNOW, "", 0),
    ):
        site.query(
            "INSERT INTO sign_up_questions (event_id, position, kind, label, help_text,"
            " why_we_ask, required, choices, hidden, awaiting_review, created_at)"
            " VALUES (?, ?, ?, ?, '', 'So the recruiter can prepare.', ?, ?, 0, 0,"
            " CURRENT_TIMESTAMP)",
            event_id,
            position,
            kind,
            label,
            required,
            choices,
        )
    return event_id, free


def _sign_up(page: Page, site: DemoSite, name: str, slot_id: int, *, check_axe: bool) -> None:
    page.goto(f"{site.url}/events/{site.slug('mock')}/register")
    page.fill("#first_name", name)
    page.fill("#email", f"{name.lower()}@example.org")
    page.check("#declared_care_experienced")
    if page.locator("input[name=age_confirmed]").count():
        page.get_by_role("radio", name="Yes").first.check()
    page.check(f"input[name=slot_id][value='{slot_id}']")
    page.get_by_role("group", name=ROLE).get_by_role("radio", name="A first job").check()
    page.get_by_label(f"{KNOW} (optional)").fill("I get nervous at the start.")
    page.fill("#supporter_first_name", "Jo")
    page.get_by_role("radio", name="Interpreter").check()
    if check_axe:
        assert_no_axe_violations(page)
        _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Get my ticket").click()
    assert page.inner_text("h1") == "Check your email", page.inner_text("main")


def test_two_questions_a_supporter_and_a_time_in_one_sign_up(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        event_id, (first, second) = _shape_the_event(site)
        with new_page(browser, PHONE) as page:
            _sign_up(page, site, "Robin", first, check_axe=True)
        with new_page(browser, PHONE, java_script_enabled=False) as page:
            _sign_up(page, site, "Noor", second, check_axe=False)
        for name, slot_id in (("Robin", first), ("Noor", second)):
            ((ticket, status),) = site.query(
                "SELECT id, status FROM registrations WHERE first_name = ?", name
            )
            assert status == "confirmed"
            assert site.query(
                "SELECT first_name, role FROM supporters WHERE registration_id = ?", ticket
            ) == [("Jo", "interpreter")]
            assert site.query(
                "SELECT b.slot_id, s.confirmed_count FROM slot_bookings b"
                " JOIN event_slots s ON s.id = b.slot_id WHERE b.registration_id = ?",
                ticket,
            ) == [(slot_id, 2)]  # the pair fills the time's two places
            assert site.query(
                "SELECT q.label, a.value FROM sign_up_answers a"
                " JOIN sign_up_questions q ON q.id = a.question_id"
                " WHERE a.registration_id = ? ORDER BY q.position",
                ticket,
            ) == [(ROLE, "A first job"), (KNOW, "I get nervous at the start.")]
        # Five singles before, two pairs now: the event's count matches its rows.
        ((taken, capacity),) = site.query(
            "SELECT confirmed_count, capacity FROM events WHERE id = ?", event_id
        )
        assert (taken, capacity) == (9, 14)
