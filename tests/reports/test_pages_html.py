"""The report pages are valid HTML with no inline styles or scripts (CSP), for organisers and
for partners."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from tests.conftest import login
from tests.factories import make_user
from tests.reports.helpers import known_week
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_report_pages_are_valid(app):
    week = known_week()
    partner = make_user(Role.PARTNER, organisation=week.host)
    organiser, host = app.test_client(), app.test_client()
    login(organiser, week.organiser)
    login(host, partner)
    year = week.edition.year
    assert_valid_pages(
        {
            "event report": organiser.get(f"/admin/events/{week.event.id}/report"),
            "cancelled event report": organiser.get(
                f"/admin/events/{week.cancelled_event.id}/report"
            ),
            "week report": organiser.get(f"/admin/reports/{year}"),
            "host report": organiser.get(f"/admin/reports/{year}/organisations/{week.host.id}"),
            "event page with its report link": organiser.get(f"/admin/events/{week.event.id}"),
            "weeks with report links": organiser.get("/admin/weeks"),
            "partner home with reports": host.get("/partner/"),
            "partner session report": host.get(f"/partner/sessions/{week.event.id}/report"),
            "partner week report": host.get(f"/partner/reports/{year}"),
        }
    )
