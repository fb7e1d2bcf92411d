"""Signing up for the careers session on a 360px phone, answering its two questions, with
JavaScript on and off (real Chromium, gunicorn and the demo week; axe on the form)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Get my ticket").click()


def _sign_up(page: Page, site: DemoSite, name: str, *, check_axe: bool) -> None:
    page.goto(f"{site.url}/events/{site.slug('careers')}/register")
    # Nothing filled in: the form says what is missing, and nothing is kept.
    _submit(page)
    assert "Enter your first name" in page.inner_text(".error-summary")
    if check_axe:
        assert_no_axe_violations(page)
    _fits(page)
    page.fill("#first_name", name)
    page.fill("#email", f"{name.lower()}@example.org")
    if page.locator("#declared_care_experienced").count():
        page.check("#declared_care_experienced")
    if page.locator("input[name=age_confirmed]").count():
        page.get_by_role("radio", name="Yes").first.check()
    question = page.get_by_role("group", name="Which kind of job interests you most? (optional)")
    assert "Why we ask: So we bring speakers from the right teams." in question.inner_text()
    question.get_by_role("radio", name="Creative").check()
    page.get_by_label("Anything you'd like the speakers to cover? (optional)").fill(
        "How to start as a designer"
    )
    if check_axe:
        assert_no_axe_violations(page)
    _fits(page)
    _submit(page)
    assert page.inner_text("h1") == "Check your email", page.inner_text("main")


def _answers(site: DemoSite, name: str) -> list[tuple[str, str]]:
    return site.query(
        "SELECT q.label, a.value FROM sign_up_answers a "
        "JOIN sign_up_questions q ON q.id = a.question_id "
        "JOIN registrations r ON r.id = a.registration_id "
        "WHERE r.first_name = ? ORDER BY q.position",
        name,
    )


def test_signing_up_answers_the_events_own_questions(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        with new_page(browser, PHONE) as page:
            _sign_up(page, site, "Robin", check_axe=True)
        with new_page(browser, PHONE, java_script_enabled=False) as page:
            _sign_up(page, site, "Noor", check_axe=False)
        for name in ("Robin", "Noor"):
            assert _answers(site, name) == [
                ("Which kind of job interests you most?", "Creative"),
                ("Anything you'd like the speakers to cover?", "How to start as a designer"),
            ]


def test_an_organiser_reviews_and_orders_the_questions(browser: Browser, tmp_path, demo_week):
    from tests.e2e.signup_storm import server_env
    from tests.support.live_server import run_flask

    email, password = "lead@nclw.example", "a long organiser passphrase"
    with demo_site(tmp_path, demo_week) as site:
        secret = tmp_path / "password"
        secret.write_text(password + "\n")
        env = server_env(f"sqlite:///{site.database}", tmp_path)
        run_flask(["nclw", "create-organiser", email, "--password-file", str(secret)], env)
        ((event_id,),) = site.query("SELECT id FROM events WHERE slug = ?", site.slug("careers"))
        with new_page(browser, PHONE) as page:
            page.goto(site.url + "/admin/")
            page.fill("#email", email)
            page.fill("#password", password)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in", exact=True).click()
            page.goto(f"{site.url}/admin/events/{event_id}")
            with page.expect_navigation():
                page.click("text=Questions asked at sign-up")
            assert "Proposed by the host" in page.inner_text("main")
            assert_no_axe_violations(page)
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Approve", exact=False).click()
            assert "It is asked from now on" in page.inner_text("main")
            mentor = "Would you like a one-to-one chat with a mentor afterwards?"
            with page.expect_navigation():
                page.locator("main li", has_text=mentor).get_by_role(
                    "button", name="Move up"
                ).click()
            headings = page.locator("main ol h2").all_inner_texts()
            assert headings[1] == mentor, headings
            assert_no_axe_violations(page)
            _fits(page)
            ((amira,),) = site.query("SELECT id FROM registrations WHERE first_name = 'Amira'")
            page.goto(f"{site.url}/admin/registrations/{amira}")
            assert "Digital and technology" in page.inner_text("main")
            assert_no_axe_violations(page)
            _fits(page)
