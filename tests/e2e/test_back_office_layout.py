"""The back office at a desk (1280px): it uses the screen's width, short values such as ticket
references and "3 of 200 places taken" never break over two lines, the menu marks where you
are, and every page changed for it passes axe and the Nu HTML checker (and fits a phone)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import demo_site
from tests.e2e.signup_storm import server_env
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.html_validation import html_errors_many
from tests.support.live_server import run_flask

pytestmark = pytest.mark.e2e

EMAIL = "desk@nclw.example"
PASSWORD = "a long organiser passphrase"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

# How many lines each matching element's words take, in the browser's own layout.
LINES = """(selector) => [...document.querySelectorAll(selector)].map((cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  return [cell.textContent.trim(), tops.size];
})"""


def _one_line_each(page: Page, selector: str) -> None:
    cells = page.evaluate(LINES, selector)
    assert cells, f"no {selector} on {page.url}"
    wrapped = [text for text, lines in cells if lines != 1]
    assert wrapped == [], f"{selector} broken over lines on {page.url}"


def _wide(page: Page) -> None:
    main = page.evaluate("() => document.querySelector('main').getBoundingClientRect().width")
    assert main > 1000, f"{page.url}: the page uses only {main}px of 1280"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= DESK["width"]


# Captions of tables that scroll sideways which run past the edge of their region.
CAPTIONS_CUT = """() => [...document.querySelectorAll('.table-wrap > table > caption')]
  .filter((caption) => {
    const region = caption.closest('.table-wrap').getBoundingClientRect();
    const box = caption.getBoundingClientRect();
    return box.left < region.left - 1 || box.right > region.right + 1;
  }).map((caption) => caption.textContent.trim())"""


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a phone"
    # A wide table scrolls in its region, but what it is (its caption) is read at a glance.
    assert page.evaluate(CAPTIONS_CUT) == [], f"{page.url}: a table's caption runs off a phone"
    page.set_viewport_size(DESK)


def test_the_back_office_uses_a_desks_width(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        env = server_env(f"sqlite:///{site.database}", tmp_path)
        run_flask(["nclw", "create-organiser", EMAIL, "--password-file", str(secret)], env)
        conference = site.query("SELECT id FROM events WHERE title LIKE 'TOGETHER%'")[0][0]
        qa_event = site.query("SELECT id FROM events WHERE qa_enabled = 1 LIMIT 1")[0][0]
        proposal = site.query("SELECT id FROM proposals LIMIT 1")[0][0]
        slotted = site.query("SELECT event_id FROM event_slots LIMIT 1")[0][0]
        pages = {
            "dashboard": "/admin/",
            "events": "/admin/events",
            "event": f"/admin/events/{conference}",
            "attendees": f"/admin/events/{conference}/attendees",
            "sign-in sheet": f"/admin/events/{conference}/register",
            "report": f"/admin/events/{conference}/report",
            "questions": f"/admin/events/{qa_event}/questions",
            "proposals": "/admin/proposals/",
            "proposal": f"/admin/proposals/{proposal}",
            "slots": f"/admin/events/{slotted}/slots",
        }
        html: dict[str, str] = {}
        with new_page(browser, DESK) as page:
            page.goto(f"{site.url}/sign-in")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in", exact=True).click()
            assert page.url.endswith("/admin/")

            for name, address in pages.items():
                page.goto(site.url + address)
                _wide(page)
                assert page.locator("nav[aria-label='Back office'] [aria-current]").count() == 1
                assert "If you are in danger now" not in page.content()
                assert_no_axe_violations(page)
                _fits_a_phone(page)
                html[name] = page.content()

            page.goto(f"{site.url}/admin/events/{conference}/attendees")
            _one_line_each(page, ".reference-cell")
            page.goto(f"{site.url}/admin/events")
            _one_line_each(page, ".count-cell")
            current = page.locator("nav[aria-label='Back office'] [aria-current='page']")
            assert current.inner_text() == "Events"

            # A cancelled event: the tag instead of its places, and nothing to run.
            page.goto(f"{site.url}/admin/events/{conference}/cancel")
            page.fill("#reason", "The venue flooded.")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            assert "Cancelled" in page.locator(".summary-list").inner_text()
            assert page.get_by_role("link", name="Check people in").count() == 0
            assert page.get_by_role("link", name="Message attendees").count() == 0
            assert_no_axe_violations(page)
            html["cancelled"] = page.content()

        problems = {name: errors for name, errors in html_errors_many(html).items() if errors}
        assert problems == {}, problems
