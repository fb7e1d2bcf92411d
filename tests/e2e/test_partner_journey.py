"""A partner proposes a session, an organiser approves it, and it appears on the week page.

Real Chromium on a 320px screen against gunicorn, with axe checks on every screen.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page


def _fill_date(page: Page, field_id: str, day: date) -> None:
    """Type a date into the day, month and year boxes, as a person would."""
    page.fill(f"#{field_id}", str(day.day))
    page.fill(f"#{field_id}-month", str(day.month))
    page.fill(f"#{field_id}-year", str(day.year))


pytestmark = pytest.mark.e2e

PASSWORD = "a long partner passphrase"
NARROW = {"width": 320, "height": 640}
TITLE = "Apprenticeships at Luton Learning Trust"


def _add_people(site: DemoSite) -> tuple[str, str]:
    """An organiser and partner users who can sign in (as an invitation would leave them):
    one for a new organisation, one for Catch22, which hosts a session in the demo week."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.accounts.models import Role
    from nclw.events.models import Organisation
    from nclw.extensions import db
    from tests.factories import make_organisation, make_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        organiser = make_user(Role.ORGANISER, password=PASSWORD, email="reviewer@nclw.example")
        partner = make_user(
            Role.PARTNER,
            password=PASSWORD,
            email="partner@llt.example",
            organisation=make_organisation(name="Luton Learning Trust"),
        )
        catch22 = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Catch22"))
        make_user(
            Role.PARTNER, password=PASSWORD, email="forum@catch22.example", organisation=catch22
        )
        db.session.commit()
        emails = organiser.email, partner.email
        db.session.remove()
        db.engine.dispose()
    return emails


def _check(page: Page) -> None:
    """Accessible, and usable on a 320px phone without scrolling sideways."""
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} is {width}px wide"


def _sign_in(page: Page, site: DemoSite, email: str) -> None:
    page.goto(site.url + "/sign-in")
    _check(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _submit(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_week):
    with demo_site(tmp_path_factory.mktemp("partner-journey"), demo_week) as running:
        yield running


@pytest.fixture(scope="module")
def people(site) -> tuple[str, str]:
    return _add_people(site)


def test_partner_proposes_organiser_approves_it_is_on_the_week(
    browser: Browser, site: DemoSite, people
):
    organiser_email, partner_email = people
    (starts_on,) = site.query("SELECT starts_on FROM editions ORDER BY starts_on DESC LIMIT 1")[0]
    day = date.fromisoformat(str(starts_on)) + timedelta(days=2)

    with new_page(browser, NARROW) as page:
        _sign_in(page, site, partner_email)
        page.goto(site.url + "/partner/")
        assert page.get_by_role("heading", name="Your sessions").is_visible()
        _check(page)

        page.get_by_role("link", name="Propose a session").click()
        page.wait_for_load_state()
        _check(page)
        # Sending it empty shows the error summary, and the page is still accessible.
        _submit(page, "Save draft")
        assert page.get_by_role("heading", name="There is a problem").is_visible()
        _check(page)

        page.fill("#title", TITLE)
        page.fill("#summary", "Meet apprentices and find out how to apply.")
        page.fill("#highlights", "Meet apprentices\nFind out how to apply")
        page.select_option("#audience", "care_experienced")
        page.fill("#capacity", "25")
        _fill_date(page, "day", day)
        page.fill("#start_time", "16:00")
        page.fill("#end_time", "17:30")
        page.select_option("#format", "online")
        page.fill("#online_url", "https://meet.example.org/llt")
        page.fill("#safeguarding_lead", "Dee Okafor")
        page.fill("#safeguarding_contact", "dee@llt.example")
        page.select_option("#staff_dbs_checked", "yes")
        page.select_option("#age_rule", "16+")
        _submit(page, "Save draft")
        assert page.get_by_role("heading", name=TITLE).is_visible()
        assert "Draft" in page.inner_text("main")
        _check(page)

        _submit(page, "Send for review")
        assert "Waiting for review" in page.inner_text("main")
        _check(page)

    with new_page(browser, NARROW) as page:
        _sign_in(page, site, organiser_email)
        page.goto(site.url + "/admin/proposals/")
        _check(page)
        page.get_by_role("link", name=TITLE).click()
        page.wait_for_load_state()
        assert "Dee Okafor" in page.inner_text("main")
        # The reviewer reads the partner's lines as the partner wrote them, one a line.
        answer = page.get_by_role("row", name="What people will get").get_by_role("cell")
        assert answer.inner_text() == "Meet apprentices\nFind out how to apply"
        _check(page)
        _submit(page, "Approve and publish")
        assert "Approved and published" in page.inner_text("main")
        _check(page)

    with new_page(browser, NARROW) as page:
        page.goto(site.url + "/")
        week = page.inner_text("main")
        assert TITLE in week
        assert "Luton Learning Trust" in week
        page.get_by_role("link", name=TITLE).click()
        page.wait_for_load_state()
        assert "Hosted by Luton Learning Trust" in page.inner_text("main")
        _check(page)

    kinds = [kind for (kind,) in site.query("SELECT kind FROM outbox_messages ORDER BY id")]
    assert "proposal_submitted" in kinds and "proposal_approved" in kinds
    actions = [a for (a,) in site.query("SELECT action FROM audit_entries ORDER BY id")]
    # Approval goes through the event services: the event is created, then published.
    journey = [
        a for a in actions if a.startswith(("proposal.", "event.created", "event.published"))
    ]
    assert journey[-5:] == [
        "proposal.created",
        "proposal.submitted",
        "event.created",
        "event.published",
        "proposal.approved",
    ]


FORUM = "Benchmarking Forum: A Fair Offer for All"


def test_a_partners_change_waits_and_the_week_is_unchanged_until_approved(
    browser: Browser, site: DemoSite, people
):
    organiser_email, _ = people
    renamed = "Benchmarking Forum: A Fair Offer for Every Care Leaver"
    with new_page(browser, NARROW) as page:
        _sign_in(page, site, "forum@catch22.example")
        page.goto(site.url + "/partner/")
        page.get_by_role("link", name=FORUM).click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Ask for a change").click()
        page.wait_for_load_state()
        _check(page)
        # 25 December, out of the week: refused, with what was typed kept.
        day, month = page.input_value("#day"), page.input_value("#day-month")
        page.fill("#day", "25")
        page.fill("#day-month", "12")
        _submit(page, "Send the change for review")
        assert "must stay within the week" in page.inner_text("main")
        _check(page)
        page.fill("#day", day)
        page.fill("#day-month", month)
        page.fill("#title", renamed)
        _submit(page, "Send the change for review")
        main = page.inner_text("main")
        assert "stays as it is on the site until they approve it" in main
        assert "Your change is waiting for review" in main
        _check(page)

    with new_page(browser, NARROW, java_script_enabled=False) as page:
        page.goto(site.url + "/")
        week = page.inner_text("main")
        assert FORUM in week and renamed not in week

    with new_page(browser, NARROW) as page:
        _sign_in(page, site, organiser_email)
        page.goto(site.url + "/admin/proposals/")
        page.locator("#changes + ul").get_by_role("link", name=FORUM).click()
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert FORUM in main and renamed in main
        _check(page)
        _submit(page, "Approve the change")
        assert "Approved: the session on the site now shows the change." in page.inner_text("main")
        _check(page)

    with new_page(browser, NARROW, java_script_enabled=False) as page:
        page.goto(site.url + "/")
        assert renamed in page.inner_text("main")


def test_drinks_in_a_pub_cannot_be_approved_as_proposed(browser: Browser, site: DemoSite, people):
    organiser_email, partner_email = people
    (starts_on,) = site.query("SELECT starts_on FROM editions ORDER BY starts_on DESC LIMIT 1")[0]
    day = date.fromisoformat(str(starts_on)) + timedelta(days=3)
    title = "After-work drinks with our apprentices"
    with new_page(browser, NARROW) as page:
        _sign_in(page, site, partner_email)
        page.goto(site.url + "/partner/proposals/new")
        page.fill("#title", title)
        page.fill("#summary", "Meet our apprentices over a drink after work.")
        page.select_option("#audience", "everyone")
        _fill_date(page, "day", day)
        page.fill("#start_time", "18:00")
        page.fill("#end_time", "20:00")
        page.select_option("#format", "in_person")
        page.fill("#venue_name", "The Red Lion")
        page.fill("#safeguarding_lead", "Dee Okafor")
        page.fill("#safeguarding_contact", "dee@llt.example")
        page.select_option("#staff_dbs_checked", "no")
        page.select_option("#age_rule", "18+")
        _submit(page, "Save draft")
        _submit(page, "Send for review")
        assert "Waiting for review" in page.inner_text("main")

    with new_page(browser, NARROW) as page:
        _sign_in(page, site, organiser_email)
        page.goto(site.url + "/admin/proposals/")
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "Check before approving" in main and "Not all staff" in main
        assert "18 and over (no under-18s)" in main
        _check(page)
        # One click is not enough: a "No" needs the reviewer's reason.
        _submit(page, "Approve and publish")
        assert "Write why this session is still safe" in page.inner_text("main")
        _check(page)
        page.fill("#safeguarding_note", "Adults only, a public venue, and our own staff host.")
        _submit(page, "Approve and publish")
        assert "Approved and published" in page.inner_text("main")

    with new_page(browser, NARROW, java_script_enabled=False) as page:
        page.goto(site.url + "/")
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state()
        assert "18 and over" in page.inner_text("main")
        page.get_by_role("link", name="Get a free ticket").click()
        page.wait_for_load_state()
        assert "Are you 18 or over?" in page.inner_text("main")
    reasons = site.query("SELECT safeguarding_note FROM proposals WHERE title = ?", title)
    assert reasons == [("Adults only, a public venue, and our own staff host.",)]
