"""From a reminder, "I can't come any more" on a 360px phone, without JavaScript: the page
asks once, and the one button gives the place to the person waiting (real Chromium, gunicorn
and the demo week; axe on the page, with JavaScript on only for axe)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _reminders_link(site: DemoSite) -> tuple[str, int]:
    """The day-before reminder for someone holding a place at the full Luton event: the
    path of the link it leads with, and their ticket's id."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.events.models import Event
    from nclw.extensions import db
    from nclw.registrations import messages
    from nclw.registrations.models import Registration, RegistrationStatus

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        holder = db.session.scalar(
            sa.select(Registration)
            .join(Event)
            .where(
                Event.title.contains("Luton"), Registration.status == RegistrationStatus.CONFIRMED
            )
            .order_by(Registration.id)
            .limit(1)
        )
        first_line = messages.reminder_day_before(holder).text_body.splitlines()[0]
        holder_id = holder.id
        db.session.commit()  # keeps the reminder's ticket link
        db.session.remove()
        db.engine.dispose()
    link = urlsplit(first_line.rsplit(" ", 1)[-1])
    return f"{link.path}?{link.query}", holder_id


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_reminders_link_gives_the_place_to_the_next_person(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        path, holder_id = _reminders_link(site)
        assert path.endswith("/cancel?from=reminder")
        with new_page(browser, PHONE) as page:
            page.goto(site.url + path)
            assert page.inner_text("h1") == "Can't come any more?"
            assert_no_axe_violations(page)
            _fits(page)
        assert site.query("SELECT status FROM registrations WHERE id = ?", holder_id) == [
            ("confirmed",)
        ]

        with new_page(browser, PHONE, java_script_enabled=False) as page:
            page.goto(site.url + path)
            with page.expect_navigation():
                page.get_by_role("button", name="I can't come any more").click()
            assert "Your ticket is cancelled" in page.inner_text("main")
            _fits(page)

        assert site.query(
            "SELECT status, released_via, place_taken_again FROM registrations WHERE id = ?",
            holder_id,
        ) == [("cancelled", "reminder", 1)]
        ((waiting,),) = site.query(
            "SELECT count(*) FROM registrations r JOIN events e ON e.id = r.event_id "
            "WHERE e.title LIKE '%Luton%' AND r.status = 'waiting'"
        )
        assert waiting == 0
