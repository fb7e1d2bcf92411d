"""A question's journey in a real Chromium: asked from a ticket page, approved by a moderator,
shown in the presenter view (which updates itself), with axe and HTML checks on every page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from nclw.accounts.models import Role
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.factories import make_registration, make_user
from tests.questions.helpers import approved, qa_event
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.html_validation import html_errors_many
from tests.support.live_server import LiveServer, live_server

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
QUESTION = "How did you find your <first> job? & what helped?"
PRESENTER_REFRESH_MS = 5000  # static/js/presenter.js asks for the questions this often


@dataclass
class QaSite:
    server: LiveServer
    event_id: int
    token: str
    organiser_email: str
    open_slug: str  # an event where anyone may ask, with its approved questions listed

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def site(tmp_path: Path) -> Iterator[QaSite]:
    # A database of its own, not the shared app's: the live server's workers use it.
    app = make_test_app(tmp_path)
    with app.app_context():
        event = qa_event(title="Careers Q&A live")
        registration = make_registration(event)
        organiser = make_user(Role.ORGANISER, password=PASSWORD)
        open_event = qa_event(
            title="Open Q&A", qa_askers=QuestionAskers.ANYONE, qa_public_list=True
        )
        approved(open_event, "Already approved <b>question</b>?")
        details = (event.id, registration.link_token, organiser.email, open_event.slug)
        database_url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    with live_server(server_env(database_url, tmp_path), workers=2) as server:
        yield QaSite(server, *details)


def _csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def _fits_320px(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide on a 320px screen"
    page.set_viewport_size({"width": 360, "height": 740})


def _thanks_in_view(page: Page) -> None:
    """After sending, the thank-you is on screen (not off the top of a phone's page)."""
    banner = page.locator("#question-sent")
    expect(banner).to_contain_text("Thank you. Your question will be checked")
    box, screen = banner.bounding_box(), page.viewport_size
    assert box and screen, "the thank-you is not drawn"
    assert box["y"] >= 0 and box["y"] + box["height"] <= screen["height"], (box, screen)
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], (box, screen)


def _ask(page: Page, site: QaSite, text: str) -> None:
    page.goto(f"{site.url}/tickets/{site.token}")
    page.get_by_label("Your question", exact=True).fill(text)
    page.get_by_role("button", name="Send question").click()
    page.wait_for_url("**#question-sent")
    _thanks_in_view(page)


def _check_projector(page: Page) -> None:
    """The presenter view fills a 1280x720 screen with no site chrome and no visible controls."""
    assert page.locator("header, footer, .site-header, .site-footer").count() == 0
    assert not page.locator(".skip-link").is_visible()
    controls = page.locator(".projector-controls")
    assert controls.evaluate("el => getComputedStyle(el).opacity") == "0"
    # A moderator's keyboard finds the way back first; it shows once focused.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Back to the questions")).to_be_focused()
    assert controls.evaluate("el => getComputedStyle(el).opacity") == "1"
    # With JavaScript, the full-screen button is offered too (headless Chromium allows it).
    expect(page.get_by_role("button", name="Full screen")).to_be_visible()
    page.keyboard.press("Shift+Tab")


def test_ask_approve_and_present(browser: Browser, site: QaSite) -> None:
    html: dict[str, str] = {}

    # The asker, on a phone with JavaScript off: asking needs none.
    with new_page(browser, java_script_enabled=False) as asker:
        _ask(asker, site, QUESTION)
        mine = asker.locator("#questions")
        expect(mine.get_by_text(QUESTION)).to_be_visible()
        expect(mine.get_by_text("Waiting for a check")).to_be_visible()
    # axe needs JavaScript to run, so the ticket page is checked in a second visit.
    with new_page(browser) as asker:
        asker.goto(f"{site.url}/tickets/{site.token}")
        expect(asker.get_by_text("do not include contact details")).to_be_visible()
        expect(asker.locator("#questions").get_by_text(QUESTION)).to_be_visible()
        assert_no_axe_violations(asker)
        _fits_320px(asker)
        html["ticket"] = asker.content()

    # The moderator signs in, approves it and opens the presenter view.
    with new_page(browser) as moderator:
        csp_errors = _csp_errors(moderator)
        moderator.goto(f"{site.url}/sign-in")
        moderator.get_by_label("Email address").fill(site.organiser_email)
        moderator.get_by_label("Password").fill(PASSWORD)
        moderator.get_by_role("button", name="Sign in").click()
        moderator.goto(f"{site.url}/admin/events/{site.event_id}/questions")
        expect(moderator.get_by_text("Waiting for a check (1)")).to_be_visible()
        expect(moderator.get_by_text(QUESTION)).to_be_visible()
        assert_no_axe_violations(moderator)
        _fits_320px(moderator)
        html["queue"] = moderator.content()
        moderator.get_by_role("button", name="Approve question 1").click()
        expect(moderator.get_by_text("Question approved.")).to_be_visible()
        expect(moderator.get_by_text("Approved (1)")).to_be_visible()

        # The presenter view, as a projector shows it: the room sees the questions only.
        moderator.set_viewport_size({"width": 1280, "height": 720})
        # The page's own clock, so that the test moves it on rather than waiting for each
        # five-second refresh; the refresh itself still asks the server.
        moderator.clock.install()
        moderator.goto(f"{site.url}/admin/events/{site.event_id}/questions/presenter")
        expect(moderator.locator(".presenter-question")).to_have_text(QUESTION)
        _check_projector(moderator)
        assert_no_axe_violations(moderator)
        html["presenter"] = moderator.content()
        moderator.evaluate("window.__notReloaded = true")

        # The moderator pins it from the queue, on another screen: the presenter view picks it
        # up without reloading (presenter.js polls), in the largest type.
        with new_page(browser) as operator:
            operator.context.add_cookies(moderator.context.cookies())
            operator.goto(f"{site.url}/admin/events/{site.event_id}/questions?status=approved")
            operator.get_by_role("button", name="Pin as answering now question 1").click()
            expect(operator.get_by_text("Question pinned")).to_be_visible()
        moderator.clock.fast_forward(PRESENTER_REFRESH_MS)
        expect(moderator.locator(".presenter-pinned")).to_have_text(QUESTION, timeout=12_000)
        expect(moderator.get_by_role("heading", name="Answering now")).to_be_visible()
        size = moderator.locator(".presenter-pinned").evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size >= 48, f"the pinned question is {size}px, too small for a room"
        assert_no_axe_violations(moderator)
        html["presenter-pinned"] = moderator.content()

        # A new question approved elsewhere appears without reloading.
        with new_page(browser) as asker:
            _ask(asker, site, "What is a typical day like?")
        with new_page(browser) as other_tab:
            other_tab.context.add_cookies(moderator.context.cookies())
            other_tab.goto(f"{site.url}/admin/events/{site.event_id}/questions")
            other_tab.get_by_role("button", name="Approve question 1").click()
            expect(other_tab.get_by_text("Question approved.")).to_be_visible()
        moderator.clock.fast_forward(PRESENTER_REFRESH_MS)
        expect(moderator.locator(".presenter-question")).to_have_text(
            "What is a typical day like?", timeout=12_000
        )
        assert moderator.evaluate("window.__notReloaded === true")
        outside_controls = "els => els.filter(e => !e.closest('.projector-controls')).length"
        assert moderator.locator("form, button").evaluate_all(outside_controls) == 0
        _fits_320px(moderator)
        assert csp_errors == []

    # The asker sees it approved, and the text is shown as typed (escaped, not markup).
    with new_page(browser, java_script_enabled=False) as asker:
        asker.goto(f"{site.url}/tickets/{site.token}")
        expect(asker.locator("#questions").get_by_text("Approved").first).to_be_visible()
        assert asker.locator("#questions first").count() == 0

    errors = html_errors_many(html)
    assert errors == {name: [] for name in html}, errors


def test_open_event_page_ask_and_vote(browser: Browser, site: QaSite) -> None:
    html: dict[str, str] = {}
    event_url = f"{site.url}/events/{site.open_slug}"
    with new_page(browser) as visitor:
        visitor.goto(event_url)
        listed = visitor.locator("#questions .question-body")
        expect(listed).to_have_text(["Already approved <b>question</b>?"])
        assert_no_axe_violations(visitor)
        _fits_320px(visitor)
        html["event"] = visitor.content()

        # An empty question comes back with the error summary, and is checked too.
        visitor.get_by_role("button", name="Send question").click()
        expect(visitor.get_by_role("alert")).to_contain_text("Enter your question")
        assert_no_axe_violations(visitor)
        html["ask-error"] = visitor.content()

    with new_page(browser, java_script_enabled=False) as visitor:
        visitor.goto(event_url)
        visitor.get_by_label("Your question", exact=True).fill("Can anyone come?")
        visitor.get_by_role("button", name="Send question").click()
        visitor.wait_for_url("**#question-sent")
        _thanks_in_view(visitor)
        mine = visitor.locator("#questions")
        expect(mine.get_by_text("Can anyone come?")).to_be_visible()
        # Not public yet: it is listed only under this browser's own questions.
        expect(mine.locator("ol .question-body")).to_have_count(1)
        visitor.get_by_role("button", name="Vote for this question").click()
        expect(visitor.get_by_text("You voted for this question.")).to_be_visible()
        expect(visitor.get_by_text("1 vote", exact=False)).to_be_visible()

    errors = html_errors_many(html)
    assert errors == {name: [] for name in html}, errors
