"""Every public page in a real Chromium: axe, the Nu HTML checker, 320px, no JavaScript,
no third-party requests, page weight and keyboard use."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import AXE_JS, assert_no_axe_violations, new_page
from tests.support.ci import unavailable
from tests.support.html_validation import html_errors_many

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 640}
WEEK_BUDGET_BYTES = 30 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_week) -> Iterator[DemoSite]:
    with demo_site(tmp_path_factory.mktemp("public-pages"), demo_week) as running:
        yield running


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} is {width}px wide at {NARROW['width']}px"


class Tour:
    """Visit pages one after another, checking each and keeping its HTML for the validator."""

    def __init__(self, page: Page, site: DemoSite) -> None:
        if not AXE_JS.is_file():
            unavailable(f"{AXE_JS} missing; run tests/support/install-node-deps.sh (needs npm)")
        self.page = page
        self.site = site
        self.html: dict[str, str] = {}
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))

    def check(self, name: str, html: str) -> None:
        assert_no_axe_violations(self.page)
        _no_horizontal_scroll(self.page)
        self.html[name] = html

    def visit(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(self.site.url + path)
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        self.check(name, response.text())

    def click(self, name: str, selector: str, status: int = 200) -> None:
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response = navigation.value
        assert response is not None
        # A POST answered with a redirect: the text is the page it led to.
        assert response.status == status, f"{name}: {response.status}"
        self.check(name, response.text())


def test_every_public_page_is_accessible_valid_narrow_and_first_party(browser: Browser, site):
    with new_page(browser, NARROW) as page:
        tour = Tour(page, site)
        tour.visit("week", "/")
        tour.visit("week filtered", "/?format=online&audience=care_experienced")
        for title, slug in site.slugs.items():
            tour.visit(f"event {title}", f"/events/{slug}")
        careers = site.slug("careers")
        tour.visit("sign-up form", f"/events/{careers}/register")
        tour.click("sign-up form with errors", "button[type=submit]", status=400)
        assert page.title().startswith("Error:")
        page.fill("#first_name", "Alex")
        page.fill("#email", "alex@example.com")
        page.check("#declared_care_experienced")
        page.check("#share_with_host")
        page.check("#consent_future_events")
        tour.click("check your email", "button[type=submit]")
        assert page.inner_text("h1") == "Check your email"
        assert "alex@example.com" in page.inner_text("main")
        # The ticket is reached through the email, as Alex would (the development mailbox is
        # not a public page, so it is not checked here).
        ticket = site.open_emailed_ticket(page, "alex@example.com", "Your ticket")
        tour.visit("ticket", ticket)
        assert "Confirmed" in page.inner_text("main")
        # The old confirmation address, bookmarked before, now leads to the ticket.
        tour.visit("bookmarked confirmation", f"{ticket}/confirmation")
        assert page.url == site.url + ticket
        tour.click("consent withdrawn", "button:has-text('Stop emails about future events')")
        assert "We will not email you about other events." in page.inner_text("main")
        tour.click("cancel", "a:has-text('Cancel my ticket')")
        tour.click("cancelled ticket", "button:has-text('Yes, cancel my ticket')")
        assert "Your ticket is cancelled" in page.content()
        full = site.slug("Luton")
        tour.visit("waiting-list form", f"/events/{full}/register")
        tour.visit("privacy", "/privacy")
        tour.visit("support", "/support")
        tour.visit("accessibility", "/accessibility")
        tour.visit("not found", "/no-such-page", status=404)
        tour.visit("ticket not found", "/tickets/not-a-ticket", status=404)

    errors = html_errors_many(tour.html)
    assert {name: found for name, found in errors.items() if found} == {}
    outside = [url for url in tour.requests if urlsplit(url).netloc != site.host]
    assert tour.requests and outside == []


def test_week_page_html_and_css_weigh_under_30_kb(site):
    html = site.fetch("/")
    css_paths = [part.split('"')[0] for part in html.decode().split('rel="stylesheet" href="')[1:]]
    assert css_paths
    total = len(html) + sum(len(site.fetch(path)) for path in css_paths)
    assert total < WEEK_BUDGET_BYTES, f"week page is {total} bytes with its CSS"


def test_sign_up_works_without_javascript(browser: Browser, site):
    with new_page(browser, NARROW, java_script_enabled=False) as page:
        page.goto(site.url + "/")
        # Filters are a plain GET form.
        page.check("#format-online")
        with page.expect_navigation():
            page.click("button:has-text('Show events')")
        assert "format=online" in page.url
        page.click("text=Virtual careers session")
        page.click("text=Get a free ticket")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "There is a problem" in page.content()
        page.fill("#first_name", "Robin")
        page.fill("#email", "robin@example.com")
        page.check("#declared_care_experienced")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.inner_text("h1") == "Check your email"
        assert "robin@example.com" in page.inner_text("main")
        # The mailbox's send button is a plain form too.
        site.open_emailed_ticket(page, "robin@example.com", "Your ticket")
        reference = page.inner_text(".reference")
        assert reference.startswith("NCLW-")
        assert "Confirmed" in page.inner_text("main")
    assert site.query("SELECT status FROM registrations WHERE reference = ?", reference) == [
        ("confirmed",)
    ]


def _focus_trail(page: Page, presses: int = 40) -> list[str]:
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || (e.tagName + ':' + e.textContent.trim()); }"
            )
        )
        if trail[-1].startswith("BUTTON:Get my ticket"):
            break
    return trail


def test_keyboard_reaches_the_form_in_order_with_visible_focus(page: Page, site):
    page.goto(f"{site.url}/events/{site.slug('careers')}/register")
    trail = _focus_trail(page)
    wanted = ["first_name", "email", "declared_care_experienced", "BUTTON:Get my ticket"]
    positions = [next(i for i, item in enumerate(trail) if item.startswith(w)) for w in wanted]
    assert positions == sorted(positions), trail
    assert trail[0] == "" or trail[0].startswith("A:Skip to main content"), trail

    style = "(e) => { const s = getComputedStyle(e); return [s.outlineStyle, s.boxShadow]; }"
    page.focus("#first_name")
    focused = page.eval_on_selector("#first_name", style)
    page.eval_on_selector("#first_name", "e => e.blur()")
    unfocused = page.eval_on_selector("#first_name", style)
    assert focused != unfocused
    assert focused[0] != "none" or focused[1] != "none"


@pytest.mark.parametrize("javascript", [True, False])
def test_error_summary_takes_focus_after_a_failed_submit(browser: Browser, site, javascript):
    with new_page(browser, java_script_enabled=javascript) as page:
        page.goto(f"{site.url}/events/{site.slug('careers')}/register")
        page.fill("#email", "not-an-email")
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.wait_for_function("() => document.activeElement.id === 'error-summary'")
        if javascript:
            # A link in the summary puts the cursor in the field it is about.
            page.click("#error-summary a[href='#email']")
            assert page.evaluate("() => document.activeElement.id") == "email"


_GAP = """() => {
    const main = document.querySelector('main');
    const top = main.firstElementChild.getBoundingClientRect().top;
    const header = document.querySelector('header').getBoundingClientRect().bottom;
    return {padding: parseFloat(getComputedStyle(main).paddingTop), gap: top - header};
}"""
_FOOTER = """() => ({
    footer: document.querySelector('footer').getBoundingClientRect().bottom,
    window: window.innerHeight,
    page: document.documentElement.scrollHeight,
})"""


@pytest.mark.parametrize("width", [320, 1280])
def test_content_keeps_clear_of_the_header_and_the_footer_sits_at_the_bottom(
    browser: Browser, site, width
):
    with new_page(browser, {"width": width, "height": 800}) as page:
        for path in ("/", f"/events/{site.slug('careers')}", "/support"):
            page.goto(site.url + path)
            measured = page.evaluate(_GAP)
            assert measured["padding"] > 0 and measured["gap"] >= 16, (path, measured)
    # A window taller than the page: the footer still ends at the window's bottom edge.
    with new_page(browser, {"width": width, "height": 2400}) as page:
        for path in ("/support", "/no-such-page"):
            page.goto(site.url + path)
            measured = page.evaluate(_FOOTER)
            assert measured["page"] <= measured["window"], (path, measured)
            assert abs(measured["footer"] - measured["window"]) < 1, (path, measured)


def test_sign_up_errors_look_like_gov_uk(browser: Browser, site):
    with new_page(browser, NARROW) as page:
        page.goto(f"{site.url}/events/{site.slug('careers')}/register")
        with page.expect_navigation():
            page.click("button[type=submit]")
        bullets = page.eval_on_selector_all(
            "#error-summary li", "items => items.map(li => getComputedStyle(li).listStyleType)"
        )
        assert bullets and set(bullets) == {"none"}
        border = page.eval_on_selector("#first_name", "e => getComputedStyle(e).borderTopColor")
        assert border == "rgb(212, 53, 28)"  # GOV.UK's error red
        box = page.eval_on_selector("#declared_care_experienced", "e => e.getBoundingClientRect()")
        assert box["width"] == box["height"] == 40
        # Still a real tick box: a click on its label ticks it, without any script.
        page.click("label[for=declared_care_experienced]")
        assert page.is_checked("#declared_care_experienced")
