"""An organiser's attendee list on a 360px phone, a bulk check-in through its confirmation,
and the sign-in sheet printed to A4 by Chromium.

Real Chromium against gunicorn and the demo week, with an event of 60 confirmed people added;
axe on every screen (JavaScript is on only because axe-core needs it: the back office ships no
scripts, so every step works without it).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

EMAIL = "lists@nclw.example"
PASSWORD = "a long organiser passphrase"
PHONE = {"width": 360, "height": 740}
CONFIRMED = 60
# At least this many names on every printed page but the last.
PER_PAGE = 25


def _big_event(site: DemoSite) -> int:
    """An organiser with a password, and an event of the demo week with 60 confirmed people
    (every seventh with access needs) and two waiting; returns the event's id."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.events.models import Edition, Organisation
    from nclw.extensions import db
    from nclw.registrations.models import RegistrationStatus
    from tests.factories import make_event, make_registration, make_user

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        make_user(email=EMAIL, password=PASSWORD, name="Lists")
        event = make_event(
            title="Care leavers' summer party",
            capacity=CONFIRMED,
            edition=db.session.scalar(sa.select(Edition).limit(1)),
            host=db.session.scalar(sa.select(Organisation).limit(1)),
        )
        for n in range(CONFIRMED):
            make_registration(
                event,
                first_name=f"Person {n:02d}",
                email=f"party{n}@example.org",
                access_requests="step_free" if n % 7 == 0 else "",
            )
        for n in range(2):
            make_registration(event, first_name=f"Waiting {n}", status=RegistrationStatus.WAITING)
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def _sign_in(page: Page, site: DemoSite) -> None:
    page.goto(site.url + "/sign-in")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    _submit(page, "Sign in")
    assert page.url.endswith("/admin/"), page.url


def test_cards_on_a_phone_and_a_bulk_check_in_through_its_confirmation(
    browser: Browser, tmp_path, demo_week
):
    with demo_site(tmp_path, demo_week) as site:
        event_id = _big_event(site)
        with new_page(browser, PHONE) as page:
            _sign_in(page, site)
            page.goto(f"{site.url}/admin/events/{event_id}/attendees")
            _fits(page)
            cards = page.locator(".attendee-card")
            assert cards.count() == 50  # a page of the list
            first = cards.first
            check_in = first.get_by_role("button", name=re.compile("^Check in"))
            assert check_in.is_visible()
            box = check_in.bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"]
            assert first.get_by_role("link", name=re.compile("^Cancel")).is_visible()

            # Three people ticked, one of them already checked in by hand.
            _submit(page, re.compile(f"^Check in {_reference(first)}"))
            for n in range(3):
                page.locator(".attendee-card").nth(n).get_by_label(re.compile("^Select")).check()
            page.get_by_label("Check them in").check()
            _submit(page, "Continue")
            main = page.inner_text("main")
            assert "Check in 2 people?" in main and "1 is already checked in" in main
            _fits(page)
            _submit(page, "Check in 2 people")
            main = page.inner_text("main")
            assert "2 people are checked in." in main
            assert "1 is already checked in, so was left out" in main
            _fits(page)
            (checked,) = site.query(
                "SELECT count(*) FROM registrations"
                " WHERE event_id = ? AND checked_in_at IS NOT NULL",
                event_id,
            )[0]
            assert checked == 3
            actions = [a for (a,) in site.query("SELECT action FROM audit_entries ORDER BY id")]
            assert actions[-3:] == ["registration.checked_in"] * 3

            page.goto(f"{site.url}/admin/events/{event_id}/register")
            _fits(page)
            page.goto(f"{site.url}/admin/events/{event_id}/badges")
            _fits(page)


def _reference(card) -> str:
    return re.search(r"NCLW-\w{6}", card.inner_text())[0]


def test_the_sign_in_sheet_prints_25_or_more_people_to_an_a4_page(
    browser: Browser, tmp_path, demo_week
):
    with demo_site(tmp_path, demo_week) as site:
        event_id = _big_event(site)
        with new_page(browser, {"width": 1024, "height": 768}) as page:
            _sign_in(page, site)
            page.goto(f"{site.url}/admin/events/{event_id}/register")
            assert_no_axe_violations(page)
            pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        assert 1 <= pages <= -(-CONFIRMED // PER_PAGE), f"{pages} pages for {CONFIRMED} people"

        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            pytest.skip("pdftotext is missing (apt-get install -y poppler-utils): rows per page")
        path = tmp_path / "register.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        printed = [page_text for page_text in text.split("\f") if page_text.strip()]
        rows = [len(re.findall(r"NCLW-\w{6}", page_text)) for page_text in printed]
        assert sum(rows) == CONFIRMED, rows
        assert all(count >= PER_PAGE for count in rows[:-1]), rows
        # Nothing from the screen's navigation or buttons is on the paper.
        for words in ("Back to attendees", "Sign out", "Dashboard", "Print this page"):
            assert words not in text, words
        assert "Waiting 0" not in text and "Key:" in printed[0]
