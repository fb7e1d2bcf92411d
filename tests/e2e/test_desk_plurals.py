"""The door desk's "N check-ins waiting to send", counted in the page's own language.

Real Chromium against gunicorn and the demo week. Welsh has six plural forms: the page gives
the script one for each, and the browser's Intl.PluralRules says which a count takes. The
check-ins never reach the site (their sending is cut), so they stay waiting on the phone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.demo_site import demo_site
from tests.e2e.test_door_desk import PHONE
from tests.e2e.test_door_scanner import _sign_in_to_the_desk

pytestmark = pytest.mark.e2e


def _waiting(page: Page, count: int) -> str:
    """What the desk says with `count` check-ins waiting on the phone."""
    key = page.get_attribute("#desk", "data-waiting-key")
    page.evaluate(
        """([key, count]) => localStorage.setItem(key, JSON.stringify(
             Array.from({length: count}, (_, i) => ({
               key: "id:" + (900000 + i), body: {registration_id: 900000 + i}
             }))))""",
        [key, count],
    )
    page.reload()
    waiting = page.locator("#desk-waiting")
    expect(waiting).to_be_visible()
    return waiting.inner_text()


def test_the_desk_counts_waiting_check_ins_in_welsh_and_english(
    browser: Browser, tmp_path: Path, demo_week: Path
):
    with demo_site(tmp_path, demo_week) as site:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            _sign_in_to_the_desk(page, site)
            page.route("**/check-in/sent", lambda route: route.abort())
            desk = page.url.removeprefix(site.url)
            page.goto(f"{site.url}/cy{desk}")
            assert page.get_attribute("html", "lang") == "cy"
            welsh = {
                1: "1 cofrestriad wrth gyrraedd yn aros i'w anfon.",
                2: "2 gofrestriad wrth gyrraedd yn aros i'w hanfon.",
                3: "3 chofrestriad wrth gyrraedd yn aros i'w hanfon.",
                5: "5 o gofrestriadau wrth gyrraedd yn aros i'w hanfon.",
                6: "6 chofrestriad wrth gyrraedd yn aros i'w hanfon.",
                11: "11 o gofrestriadau wrth gyrraedd yn aros i'w hanfon.",
            }
            for count, words in welsh.items():
                assert _waiting(page, count).startswith(words), count

            page.goto(f"{site.url}/en{desk}")
            assert _waiting(page, 1).startswith("1 check-in waiting to send.")
            assert _waiting(page, 3).startswith("3 check-ins waiting to send.")
        finally:
            context.close()
