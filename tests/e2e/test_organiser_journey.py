"""An organiser, starting from `flask nclw create-organiser`, runs a whole event in a browser.

Real Chromium on a 320px screen (attendees with JavaScript off), gunicorn, a real SMTP sink,
the real migrations and the demo week; axe-core on every back-office screen.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.e2e.signup_storm import server_env
from tests.e2e.test_young_person_journey import _mail_to
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.live_server import run_flask
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.e2e

EMAIL = "lead@nclw.example"
PASSWORD = "a long organiser passphrase"
NARROW = {"width": 320, "height": 640}
TITLE = "Interview skills workshop"


def _fill_when(page: Page, field_id: str, day: date, clock: str) -> None:
    """Type a date and a time into the day, month, year and time boxes."""
    page.fill(f"#{field_id}", str(day.day))
    page.fill(f"#{field_id}-month", str(day.month))
    page.fill(f"#{field_id}-year", str(day.year))
    page.fill(f"#{field_id}-time", clock)


def _check(page: Page) -> None:
    """Accessible, and usable on a 320px phone without scrolling sideways."""
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} is {width}px wide"


def _submit(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _sign_up(browser: Browser, site: DemoSite, slug: str, name: str, email: str) -> None:
    with new_page(browser, NARROW, java_script_enabled=False) as page:
        page.goto(f"{site.url}/events/{slug}/register")
        page.fill("#first_name", name)
        page.fill("#email", email)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.inner_text("h1") == "Check your email", page.inner_text("main")[:800]
        assert email in page.inner_text("main")


def _calendar(message) -> str:
    for part in message.message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise AssertionError(f"no calendar in {message.subject!r}")


def _messages_to(sink: SmtpSink, address: str, subject_start: str):
    return [
        m for m in sink.messages if address in m.rcpt_tos and m.subject.startswith(subject_start)
    ]


def test_an_organiser_runs_an_event_from_the_first_account(
    browser: Browser, smtp_server: SmtpSink, tmp_path, demo_week
):
    mail_env = {**smtp_server.env(), "MAIL_SEND_AFTER_COMMIT": "1"}
    with demo_site(tmp_path, demo_week, mail_env) as site:
        env = {**server_env(f"sqlite:///{site.database}", tmp_path), **mail_env}
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        made = run_flask(
            ["nclw", "create-organiser", EMAIL, "--name", "Lead", "--password-file", str(secret)],
            env,
        )
        assert "created" in made.stdout
        (starts_on,) = site.query("SELECT starts_on FROM editions")[0]
        day = date.fromisoformat(starts_on) + timedelta(days=2)

        # JavaScript on for the organiser only because axe-core needs it to run; the back
        # office ships no scripts, so every step here works the same without it.
        with new_page(browser, NARROW) as page:
            # Sign in.
            page.goto(site.url + "/admin/")
            assert "/sign-in" in page.url
            _check(page)
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            _submit(page, "Sign in")
            assert page.url.endswith("/admin/")
            _check(page)

            # Create an event and publish it.
            with page.expect_navigation():  # axe must not run on the page being left
                page.click("text=Create an event")
            _check(page)
            page.fill("#title", TITLE)
            page.fill("#summary", "Practise interviews with real employers.")
            page.select_option("#host_id", label="Catch22")
            # Nothing is chosen for the organiser: the week too is picked from its list.
            page.select_option("#edition_id", index=1)
            _fill_when(page, "starts_at", day, "16:00")
            _fill_when(page, "ends_at", day, "17:30")
            page.select_option("#format", "in_person")
            page.fill("#venue_name", "Luton Central Library")
            page.fill("#capacity", "1")
            page.select_option("#audience", "everyone")
            _submit(page, "Save")
            assert "saved as a draft" in page.content()
            _check(page)
            _submit(page, "Publish")
            assert "Published" in page.content()
            event_id = int(page.url.rstrip("/").split("/")[-1])
            (slug,) = site.query("SELECT slug FROM events WHERE id = ?", event_id)[0]

            # Two people sign up: one ticket, one waiting-list place.
            _sign_up(browser, site, slug, "Jade", "jade@example.com")
            _sign_up(browser, site, slug, "Kai", "kai@example.com")
            # Waited for by address, not by count: the demo week sends emails of its own.
            _mail_to(smtp_server, "jade@example.com", "Your ticket:")
            _mail_to(smtp_server, "kai@example.com", "You are on the waiting list")
            page.goto(site.url + "/admin/")
            assert "1 of 1 places taken" in page.content() and "1 waiting" in page.content()
            _check(page)

            # Move it an hour later and raise the capacity: asked first, then everyone told.
            page.goto(f"{site.url}/admin/events/{event_id}/edit")
            _check(page)
            _fill_when(page, "starts_at", day, "17:00")
            _fill_when(page, "ends_at", day, "18:30")
            page.fill("#capacity", "2")
            _submit(page, "Save")
            assert "This will notify 2 attendees" in page.content()
            _check(page)
            _submit(page, "Save and notify 2 attendees")
            assert "updated invite" in page.content()
            changed = _mail_to(smtp_server, "jade@example.com", "Changed:")
            assert len(_messages_to(smtp_server, "jade@example.com", "Changed:")) == 1
            invite = _calendar(changed)
            assert "METHOD:REQUEST" in invite and "SEQUENCE:1" in invite
            assert "T160000Z" in invite.replace("\r\n ", "")  # 5pm UK in October is 4pm UTC
            _mail_to(smtp_server, "kai@example.com", "You have a place")

            # The attendee list, then check people in: by reference, and from a scanned code.
            page.goto(f"{site.url}/admin/events/{event_id}/attendees")
            assert "jade@example.com" in page.content() and "kai@example.com" in page.content()
            _check(page)
            references = dict(
                site.query(
                    "SELECT first_name, reference FROM registrations WHERE event_id = ?", event_id
                )
            )
            page.goto(f"{site.url}/admin/events/{event_id}/check-in")
            _check(page)
            page.fill("#reference", references["Jade"].lower())
            _submit(page, "Check in")
            assert f"{references['Jade']} (Jade) is checked in" in page.content()
            page.goto(f"{site.url}/admin/events/{event_id}/check-in?reference={references['Kai']}")
            assert "Confirmed ticket." in page.content()
            _check(page)
            _submit(page, "Check in")
            assert "2 of 2 people checked in" in page.content()

            # Message everyone checked in, after a preview.
            page.goto(f"{site.url}/admin/events/{event_id}/message")
            _check(page)
            page.select_option("#audience", "checked_in")
            page.fill("#subject", "Thank you for coming")
            page.fill("#body", "It was great to see you.\n\nHere are the slides.")
            _submit(page, "Preview")
            assert "It will go to" in page.content() and "2 people" in page.content()
            _check(page)
            _submit(page, "Send to 2 people")
            _mail_to(smtp_server, "kai@example.com", "Thank you for coming")

            # Export the list.
            page.goto(f"{site.url}/admin/exports?event_id={event_id}")
            _check(page)
            page.check("input[value=checked_in]")
            with page.expect_download() as download_info:
                page.get_by_role("button", name="Download").click()
            body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(body)))
            assert {row["First name"] for row in rows} == {"Jade", "Kai"}
            assert all(row["Checked in (UK time)"] for row in rows)

            # It is all in the audit log, and the mail log shows what was sent.
            page.goto(site.url + "/admin/audit")
            _check(page)
            log = page.inner_text(".audit-log")
            for sentence in (
                f"Lead created “{TITLE}”.",
                f"Lead published “{TITLE}”.",
                f"Lead changed the details of “{TITLE}”.",
                f"Lead checked in Jade's ticket for “{TITLE}”.",
                f"Lead emailed the people signed up for “{TITLE}”.",
                f"Lead downloaded the attendee list of “{TITLE}”.",
            ):
                assert sentence in log, sentence
            # Narrowed to one kind of action, with the filters kept in the address.
            page.select_option("#kind", "tickets")
            _submit(page, "Show")
            assert "kind=tickets" in page.url
            log = page.inner_text(".audit-log")
            assert f"Lead checked in Jade's ticket for “{TITLE}”." in log
            assert "published" not in log
            _check(page)
            page.goto(site.url + "/admin/mail")
            _check(page)
            assert "Sent" in page.content()

            # Signing out ends the session.
            _submit(page, "Sign out")
            page.goto(site.url + "/admin/")
            assert "/sign-in" in page.url
