"""The screenshot tour's spacing check on a few real pages, so it cannot rot unnoticed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import new_page
from tools.screenshots import MEASURE, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_week) -> Iterator[DemoSite]:
    with demo_site(tmp_path_factory.mktemp("screenshot-tour"), demo_week) as running:
        yield running


def test_the_check_finds_the_header_main_and_footer(browser: Browser, site: DemoSite):
    with new_page(browser, {"width": 320, "height": 800}) as page:
        page.goto(site.url + "/support")
        measured = page.evaluate(MEASURE)
    assert measured["first"] == "h1"
    assert 0 < measured["header_bottom"] <= measured["first_top"]
    assert measured["first_top"] < measured["last_bottom"] <= measured["footer_top"]


def test_content_clears_the_header_and_footer_on_public_pages(browser: Browser, site: DemoSite):
    paths = ["/", "/support", "/privacy", "/sign-in", f"/events/{site.slug('mock')}"]
    problems = {}
    for width in (320, 1280):
        with new_page(browser, {"width": width, "height": 800}) as page:
            for path in paths:
                page.goto(site.url + path)
                found = check_page(page)
                if found:
                    problems[f"{path} at {width}px"] = found
    assert problems == {}
