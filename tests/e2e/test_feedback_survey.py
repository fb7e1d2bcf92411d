"""The feedback survey on a 360px phone: answer it, with axe on each screen, and no script.

Real Chromium against gunicorn and the demo week, whose taster session has already happened.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import assert_no_axe_violations, new_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _survey_link_for_the_one_who_has_not_answered(site: DemoSite) -> str:
    """Send the demo's last taster-session guest their survey, as `send-surveys` would."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.extensions import db
    from nclw.feedback.models import SurveyInvitation
    from nclw.feedback.sending import queue_surveys
    from nclw.mail.models import OutboxMessage
    from nclw.timezones import utcnow
    from tests.feedback.helpers import SURVEY_LINK

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.database}"})
    with app.app_context():
        db.session.execute(sa.delete(SurveyInvitation).where(SurveyInvitation.answered.is_(False)))
        db.session.commit()
        assert queue_surveys(now=utcnow()) == 1
        body = db.session.scalar(
            sa.select(OutboxMessage.text_body).where(OutboxMessage.kind == "feedback_survey")
        )
        db.session.remove()
        db.engine.dispose()
    return "/feedback/" + SURVEY_LINK.search(body).group(1)


def _fits(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_answering_the_survey_on_a_phone(browser: Browser, tmp_path, demo_week):
    with demo_site(tmp_path, demo_week) as site:
        link = _survey_link_for_the_one_who_has_not_answered(site)
        with new_page(browser, PHONE) as page:
            page.goto(site.url + link)
            assert "How was Cooking on a budget" in page.inner_text("h1")
            _fits(page)

            page.get_by_label("What was useful?").fill("The recipes")
            page.get_by_label("4", exact=True).check()
            with page.expect_navigation():
                page.get_by_role("button", name="Send my answers").click()
            assert "Thank you for your feedback" in page.inner_text("h1")
            _fits(page)

            page.goto(site.url + link)
            assert "already been answered" in page.inner_text("main")
            _fits(page)
