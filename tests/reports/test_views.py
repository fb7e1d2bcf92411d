"""Who may see which report: organisers all, a partner only its own host's, door staff none."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from tests.conftest import login
from tests.factories import give_event, make_user
from tests.reports.helpers import known_week


@pytest.fixture
def week(app):
    return known_week()


def _organiser_pages(week) -> list[str]:
    year, event = week.edition.year, week.event
    return [
        f"/admin/events/{event.id}/report",
        f"/admin/events/{event.id}/report.csv",
        f"/admin/reports/{year}",
        f"/admin/reports/{year}.csv",
        f"/admin/reports/{year}/organisations/{week.host.id}",
        f"/admin/reports/{year}/organisations/{week.host.id}.csv",
    ]


def test_organisers_see_every_report(client, week):
    login(client, week.organiser)
    for url in _organiser_pages(week):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/admin/events/{week.event.id}/report").get_data(as_text=True)
    assert "Given a place from the waiting list" in page
    assert "fewer than 3" in page
    assert "<svg" in page and "<table" in page
    for name in ("Ava", "Hal", "example.com", "NCLW-"):
        assert name not in page
    csv = client.get(f"/admin/reports/{week.edition.year}.csv")
    assert csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]


def test_organisers_find_the_reports_from_the_event_the_week_and_the_dashboard(client, week):
    login(client, week.organiser)
    event_page = client.get(f"/admin/events/{week.event.id}").get_data(as_text=True)
    assert f"/admin/events/{week.event.id}/report" in event_page
    weeks = client.get("/admin/weeks").get_data(as_text=True)
    assert f"/admin/reports/{week.edition.year}" in weeks
    dashboard = client.get(f"/admin/?year={week.edition.year}").get_data(as_text=True)
    assert f"/admin/reports/{week.edition.year}" in dashboard


def test_an_unknown_week_or_host_is_not_found(client, week):
    login(client, week.organiser)
    assert client.get("/admin/reports/1999").status_code == 404
    assert client.get(f"/admin/reports/{week.edition.year}/organisations/99999").status_code == 404


def test_a_partner_sees_its_own_sessions_reports_only(client, week):
    partner = make_user(Role.PARTNER, organisation=week.host)
    login(client, partner)
    home = client.get("/partner/").get_data(as_text=True)
    assert f"/partner/reports/{week.edition.year}" in home
    session = client.get(f"/partner/sessions/{week.event.id}").get_data(as_text=True)
    assert f"/partner/sessions/{week.event.id}/report" in session
    for url in (
        f"/partner/sessions/{week.event.id}/report",
        f"/partner/sessions/{week.event.id}/report.csv",
        f"/partner/reports/{week.edition.year}",
        f"/partner/reports/{week.edition.year}.csv",
    ):
        assert client.get(url).status_code == 200, url
    own = client.get(f"/partner/reports/{week.edition.year}").get_data(as_text=True)
    assert week.event.title in own
    assert week.cancelled_event.title not in own
    # Another host's session, and a week it had nothing in, look like nothing at all.
    for url in (
        f"/partner/sessions/{week.cancelled_event.id}/report",
        f"/partner/sessions/{week.cancelled_event.id}/report.csv",
        "/partner/reports/1999",
    ):
        assert client.get(url).status_code == 404, url
    # And the back office's reports are not theirs.
    for url in _organiser_pages(week):
        assert client.get(url).status_code == 403, url


def test_a_partner_with_no_sessions_that_week_gets_no_report(client, week):
    login(client, make_user(Role.PARTNER))
    assert client.get(f"/partner/reports/{week.edition.year}").status_code == 404
    assert client.get(f"/partner/sessions/{week.event.id}/report").status_code == 404


def test_door_staff_and_visitors_see_no_report(client, week):
    door = make_user(Role.DOOR_STAFF)
    give_event(door, week.event)
    anonymous = client.get(f"/admin/events/{week.event.id}/report")
    assert anonymous.status_code == 302  # sign in first
    login(client, door)
    for url in _organiser_pages(week):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/partner/sessions/{week.event.id}/report").status_code == 403
