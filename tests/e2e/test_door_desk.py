"""Door staff at the conference door, on a 360px phone: find by name, check in, undo.

Real Chromium against gunicorn and the demo week, axe on every screen. The desk's scripts
are blocked, so every step here is the desk without JavaScript (test_door_scanner.py has them);
JavaScript itself stays on only because axe-core needs it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "a long door staff passphrase"
PHONE = {"width": 360, "height": 740}


def _door_staff(site: DemoSite) -> str:
    """The demo's door staff for the conference, with a password (as a reset would leave it)."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.accounts.models import User
    from nclw.extensions import db
    from tests.factories import password_hash

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "door@example.org"))
        person.password_hash = password_hash(PASSWORD)
        db.session.commit()
        email = person.email
        db.session.remove()
        db.engine.dispose()
    return email


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def test_door_staff_find_someone_by_name_check_them_in_and_undo_it(
    browser: Browser, tmp_path, demo_week
):
    with demo_site(tmp_path, demo_week) as site:
        email = _door_staff(site)
        with new_page(browser, PHONE) as page:
            page.route("**/static/js/*desk*.js", lambda route: route.abort())
            page.goto(site.url + "/sign-in")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            _submit(page, "Sign in")
            assert page.url.endswith("/door/"), page.url
            with page.expect_navigation():
                page.get_by_role("link", name="check-in desk").first.click()
            # The demo week is weeks away: the desk says so, and still works.
            assert "Not today." in page.inner_text("main")
            # No script, no camera button: the scanner is offered only where it can work.
            assert page.locator("#desk-scanner").is_hidden()
            _fits(page)

            # The demo's conference has Sam, Alex, Jordan... signed up.
            page.fill("#q", "jor")
            _submit(page, "Find")
            results = page.inner_text(".desk-results")
            assert "Jordan" in results and "Alex" not in results
            _fits(page)
            _submit(page, "Check in Jordan")
            main = page.inner_text("main")
            assert "(Jordan) is checked in." in main and "Checked in at" in main
            _fits(page)

            _submit(page, "Undo the check-in of Jordan")
            assert "(Jordan) is no longer checked in." in page.inner_text("main")
            (checked,) = site.query(
                "SELECT count(*) FROM registrations WHERE first_name = 'Jordan'"
                " AND checked_in_at IS NOT NULL"
            )[0]
            assert checked == 0
            actions = [a for (a,) in site.query("SELECT action FROM audit_entries ORDER BY id")]
            assert actions[-2:] == ["registration.checked_in", "registration.check_in_undone"]
