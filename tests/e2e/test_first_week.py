"""A charity runs its week from an empty database, in a browser, as the README says to.

Only `flask db upgrade` and `flask nclw create-organiser` run outside the browser: the week,
the host organisation, the event and next year's copy are all made on the back office's
pages, and a young person signs up on the public site in between.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page

from nclw.timezones import to_uk, utcnow
from tests.e2e.signup_storm import server_env
from tests.support.browser import assert_no_axe_violations, new_page
from tests.support.live_server import live_server, run_flask


def _fill_date(page: Page, field_id: str, day: date) -> None:
    """Type a date into the day, month and year boxes, as a person would."""
    page.fill(f"#{field_id}", str(day.day))
    page.fill(f"#{field_id}-month", str(day.month))
    page.fill(f"#{field_id}-year", str(day.year))


def _fill_when(page: Page, field_id: str, day: date, clock: str) -> None:
    """Type a date and a time into the day, month, year and time boxes."""
    page.fill(f"#{field_id}", str(day.day))
    page.fill(f"#{field_id}-month", str(day.month))
    page.fill(f"#{field_id}-year", str(day.year))
    page.fill(f"#{field_id}-time", clock)


pytestmark = pytest.mark.e2e

EMAIL = "coordinator@charity.example"
PASSWORD = "a long coordinator passphrase"
PHONE = {"width": 360, "height": 740}
TITLE = "Careers clinic at the library"
# A week far enough ahead that it is still to come whenever the test runs, and next year's
# copy crosses a leap day: the same weekday falls on a different date.
YEAR = date.today().year + 1
NEXT_YEAR = YEAR + 1


def _submit(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _fits(page: Page) -> None:
    """Accessible, and usable on a phone without scrolling sideways."""
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _last_monday_of_october(year: int) -> date:
    last = date(year, 10, 31)
    return date.fromordinal(last.toordinal() - last.weekday())


def test_a_charity_runs_its_week_from_an_empty_database(browser, tmp_path):
    database = tmp_path / "nclw.sqlite"
    env = server_env(f"sqlite:///{database}", tmp_path)
    run_flask(["db", "upgrade", "heads"], env)
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    made = run_flask(
        ["nclw", "create-organiser", EMAIL, "--name", "Robin", "--password-file", str(secret)],
        env,
    )
    assert "created" in made.stdout

    first_day = _last_monday_of_october(YEAR)
    event_day = first_day + timedelta(days=2)  # the Wednesday
    with live_server(env, workers=1) as site, new_page(browser, PHONE) as page:
        page.goto(site.url + "/admin/")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        _submit(page, "Sign in")
        assert page.url.endswith("/admin/"), page.url
        # Nothing has been set up, and the page says where to start.
        assert "There is no week yet" in page.inner_text("main")

        # The week.
        with page.expect_navigation():
            page.get_by_role("link", name="Set up this year's week").click()
        _fits(page)
        page.fill("#year", str(YEAR))
        page.fill("#theme", "Care leavers with careers")
        _fill_date(page, "starts_on", first_day)
        _fill_date(page, "ends_on", first_day + timedelta(days=6))
        page.fill("#summary", "A week of events for care leavers and the people who back them.")
        _submit(page, "Save the week")
        assert f"The {YEAR} week is set up" in page.inner_text("main")
        _fits(page)

        # The host organisation.
        page.goto(site.url + "/admin/organisations")
        assert "There are no organisations yet" in page.inner_text("main")
        page.fill("#name", "Riverside Leaving Care Team")
        page.select_option("#kind", "council")
        _submit(page, "Add organisation")
        assert "Riverside Leaving Care Team" in page.inner_text("main")
        _fits(page)

        # The event: saving without a host or week names both fields, then it saves.
        page.goto(site.url + "/admin/events/new")
        page.fill("#title", TITLE)
        page.fill("#summary", "Bring your CV, or start one with us.")
        _fill_when(page, "starts_at", event_day, "16:00")
        _fill_when(page, "ends_at", event_day, "17:30")
        page.select_option("#format", "in_person")
        page.fill("#venue_name", "Riverside Library")
        page.fill("#capacity", "20")
        page.select_option("#audience", "everyone")
        _submit(page, "Save")
        summary = page.inner_text(".error-summary")
        assert "host" in summary.lower() and "week" in summary.lower(), summary
        page.select_option("#host_id", label="Riverside Leaving Care Team")
        page.select_option("#edition_id", label=f"{YEAR}: Care leavers with careers")
        _submit(page, "Save")
        assert "saved as a draft" in page.content()
        _submit(page, "Publish")
        assert "Published" in page.content()
        _fits(page)

        # The public week page shows it; a young person signs up without JavaScript.
        with new_page(browser, PHONE, java_script_enabled=False) as young:
            young.goto(f"{site.url}/weeks/{YEAR}")
            week_page = young.inner_text("main")
            assert TITLE in week_page and "Wednesday" in week_page, week_page
            with young.expect_navigation():
                young.get_by_role("link", name=TITLE).first.click()
            with young.expect_navigation():
                young.get_by_role("link", name="Get a free ticket").click()
            young.fill("#first_name", "Jordan")
            young.fill("#email", "jordan@example.com")
            with young.expect_navigation():
                young.click("main button[type=submit]")
            assert young.inner_text("h1") == "Check your email", young.inner_text("main")
        page.goto(site.url + "/admin/")
        assert "1 of 20 places taken" in page.inner_text("main")

        # Next year: the week copied, its event a draft on the same weekday and time.
        page.goto(site.url + "/admin/weeks")
        _submit(page, f"Copy to {NEXT_YEAR}")
        main = page.inner_text("main")
        assert f"The {NEXT_YEAR} week is set up with 1 event as drafts" in main, main
        _fits(page)
        row = page.locator("tr, li, .event-card").filter(has_text=TITLE).first
        assert "Draft" in row.inner_text(), row.inner_text()
        with page.expect_navigation():
            row.get_by_role("link", name=TITLE).click()
        shown = page.inner_text("main")
        # The Monday nearest the same date next year starts the copy; its Wednesday follows.
        same_date = first_day.replace(year=NEXT_YEAR)
        copied_monday = next(
            same_date + timedelta(days=shift)
            for shift in range(-3, 4)
            if (same_date + timedelta(days=shift)).weekday() == 0
        )
        copied_day = copied_monday + timedelta(days=2)
        assert copied_day.weekday() == event_day.weekday() == 2
        # A date outside this year says its year.
        year = "" if copied_day.year == to_uk(utcnow()).year else f" {copied_day.year}"
        assert f"Wednesday {copied_day.day} October{year}, 4pm to 5:30pm (UK time)" in shown, shown
        assert "Draft" in shown and "0 of 20 places taken" in shown, shown
        # Not on the public site until an organiser publishes it.
        response = page.goto(f"{site.url}/weeks/{NEXT_YEAR}")
        assert response is not None
        assert TITLE not in page.inner_text("main")

    # Nothing of the sign-up went with the copy.
    with sqlite3.connect(database) as conn:
        counts = dict(
            conn.execute(
                "SELECT e.year, count(r.id) FROM events v JOIN editions e ON e.id = v.edition_id"
                " LEFT JOIN registrations r ON r.event_id = v.id GROUP BY e.year"
            ).fetchall()
        )
        statuses = dict(
            conn.execute(
                "SELECT e.year, v.status FROM events v JOIN editions e ON e.id = v.edition_id"
            ).fetchall()
        )
        (copied_start,) = conn.execute(
            "SELECT v.starts_at FROM events v JOIN editions e ON e.id = v.edition_id"
            " WHERE e.year = ?",
            (NEXT_YEAR,),
        ).fetchone()
    assert counts == {YEAR: 1, NEXT_YEAR: 0}
    assert statuses == {YEAR: "published", NEXT_YEAR: "draft"}
    # 4pm on a UK clock in late October is 3pm UTC (or 4pm once the clocks have gone back).
    assert str(copied_start).startswith(copied_day.isoformat()), copied_start
