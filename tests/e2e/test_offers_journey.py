"""An offer of a place runs out and passes on: on a phone, with real email over loopback SMTP.

Real Chromium against gunicorn and the demo week, whose full Luton event offers freed places:
Rosa holds an offer, Priya is first in the queue. Tess joins the queue; the expiry command,
told it is later, passes Rosa's offer to Priya and then Priya's to Tess, who claims it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.e2e.signup_storm import server_env
from tests.e2e.test_young_person_journey import _mail_to, _sign_up, _ticket_path
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.html_validation import html_errors
from tests.support.live_server import run_flask

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
OFFER_LINK = re.compile(r"(/tickets/[A-Za-z0-9_-]{20,}/offer)")


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _open_offer_runs_out(site: DemoSite, env: dict[str, str], event_id: int) -> None:
    """Run the expiry command a minute after the open offer's deadline, then send the mail."""
    [(deadline,)] = site.query(
        "SELECT offer_expires_at FROM registrations WHERE event_id = ? AND status = 'offered'",
        event_id,
    )
    later = datetime.fromisoformat(deadline).replace(tzinfo=UTC) + timedelta(minutes=1)
    # Only `send-mail` sends: a sender thread started by the command's commit could claim the
    # email as the command exits, and it would then wait out the claim's lease.
    quiet = {**env, "MAIL_SEND_AFTER_COMMIT": "0"}
    done = run_flask(["nclw", "expire-offers", "--now", later.isoformat()], quiet)
    assert "Passed on 1 offers" in done.stdout
    run_flask(["nclw", "send-mail"], env)


def test_an_offer_runs_out_and_the_next_person_claims_it(
    browser: Browser, tmp_path, smtp_server, demo_week
):
    mail_env = {**smtp_server.env(), "MAIL_SEND_AFTER_COMMIT": "1"}
    with demo_site(tmp_path, demo_week, mail_env) as site:
        env = {**server_env(f"sqlite:///{site.database}", tmp_path), **mail_env}
        [(event_id,)] = site.query("SELECT id FROM events WHERE offers_expire")
        [(rosa,)] = site.query(
            "SELECT email FROM registrations WHERE event_id = ? AND status = 'offered'", event_id
        )
        with new_page(browser, PHONE) as page:
            _sign_up(
                page,
                site,
                "Luton",
                first_name="Tess",
                email="tess@example.com",
                declared_care_experienced="tick",
            )
            waiting = _mail_to(smtp_server, "tess@example.com", "waiting list")
            assert "They will have a set time to claim it" in waiting.text()
            page.goto(site.url + _ticket_path(waiting))
            assert "On the waiting list (number 2)" in page.inner_text("main")

            _open_offer_runs_out(site, env, event_id)  # Rosa's: it goes to Priya
            ended = _mail_to(smtp_server, rosa, "Your offer of a place has ended")
            assert "not claimed in time" in ended.text()
            page.reload()
            assert "On the waiting list (number 1)" in page.inner_text("main")

            _open_offer_runs_out(site, env, event_id)  # Priya's: it goes to Tess
            offer = _mail_to(smtp_server, "tess@example.com", "Claim your place by")
            page.reload()
            assert "Offered a place, to claim by" in page.inner_text("main")
            _fits(page)

            page.goto(site.url + OFFER_LINK.search(offer.text()).group(1))
            assert page.inner_text("h1") == "Claim your place"
            _fits(page)
            # Two forms on one page, each with its form token: still one id="csrf_token".
            assert html_errors(page.content()) == []
            with page.expect_navigation():
                page.get_by_role("button", name="Claim my place").click()
            main = page.inner_text("main")
            assert "The place is yours" in main and "Confirmed" in main
            _mail_to(smtp_server, "tess@example.com", "You have a place")

        tickets = site.query(
            "SELECT first_name, status, offer_expired_at IS NOT NULL FROM registrations"
            " WHERE event_id = ? AND offer_expires_at IS NOT NULL ORDER BY first_name",
            event_id,
        )
        assert tickets == [
            ("Omar", "cancelled", 1),
            ("Priya", "cancelled", 1),
            ("Rosa", "cancelled", 1),
            ("Tess", "confirmed", 0),
        ]
        assert site.query("SELECT confirmed_count FROM events WHERE id = ?", event_id) == [(3,)]
