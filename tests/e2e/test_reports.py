"""Reports in a browser on a 360px phone: last year's conference in the demo, for an
organiser and for the partner that hosted it, with axe on each screen.

Real Chromium against gunicorn and the demo week (JavaScript is on only because axe-core needs
it: the reports ship no scripts; their charts are drawn on the server).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "a long reports passphrase"
PHONE = {"width": 360, "height": 740}
HOST = "The Care Leavers' Foundation"


def _people(site: DemoSite) -> tuple[str, str]:
    """An organiser and a partner user of the conference's host, who can sign in."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.accounts.models import Role
    from nclw.events.models import Organisation
    from nclw.extensions import db
    from tests.factories import make_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        host = db.session.scalar(sa.select(Organisation).where(Organisation.name == HOST))
        organiser = make_user(Role.ORGANISER, password=PASSWORD, email="counts@nclw.example")
        partner = make_user(
            Role.PARTNER, password=PASSWORD, email="reports@clf.example", organisation=host
        )
        emails = organiser.email, partner.email
        db.session.remove()
        db.engine.dispose()
    return emails


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _sign_in(page: Page, site: DemoSite, email: str) -> None:
    page.goto(site.url + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name).first.click()


def test_last_years_conference_report_on_a_phone(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        organiser, partner = _people(site)
        (year,) = site.query("SELECT min(year) FROM editions")[0]
        with new_page(browser, PHONE) as page:
            _sign_in(page, site, organiser)
            page.goto(f"{site.url}/admin/weeks")
            _follow(page, f"Report on {year}")
            assert "Each host" in page.inner_text("main")
            _fits(page)
            _follow(page, f"The national conference, {year}")
            main = page.inner_text("main")
            assert "No-show rate" in main and "Access needs met" in main
            # Two charts, each drawn on the server and named for screen readers.
            assert page.locator("svg[role=img]").count() == 2
            _fits(page)

        with new_page(browser, PHONE) as page:
            _sign_in(page, site, partner)
            _follow(page, f"Report on your sessions in {year}")
            _fits(page)
            _follow(page, f"The national conference, {year}")
            main = page.inner_text("main")
            assert "Checked in" in main and "Sam" not in main
            _fits(page)
