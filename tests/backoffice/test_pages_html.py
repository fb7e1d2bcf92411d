"""The people, role, event and door staff's pages are valid HTML with no inline styles or
scripts (CSP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nclw.accounts.models import Role
from nclw.extensions import db
from tests.conftest import login
from tests.factories import make_user
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_role_and_sign_up_window_pages_are_valid_and_csp_clean(organiser_client, week):
    event = week.event
    event.registration_opens_at = event.starts_at - timedelta(days=5)
    event.registration_closes_at = event.starts_at - timedelta(hours=2)
    db.session.commit()
    role_url = f"/admin/people/{week.partner.id}/role"
    pages = {
        "people": organiser_client.get("/admin/people"),
        "role": organiser_client.get(role_url),
        "role-own": organiser_client.get(f"/admin/people/{week.organiser.id}/role"),
        "role-errors": organiser_client.post(role_url, data={"role": "x"}),
        "role-confirm": organiser_client.post(
            role_url, data={"role": "organiser", "organisation_id": "0"}
        ),
        "event": organiser_client.get(f"/admin/events/{event.id}"),
        "event-edit": organiser_client.get(f"/admin/events/{event.id}/edit"),
        "event-new-errors": organiser_client.post(
            "/admin/events/new",
            data={
                "registration_opens_at": "2030-10-02T09:00",
                "registration_closes_at": "2030-10-01T09:00",
            },
        ),
    }
    assert_valid_pages(pages)


def test_door_staff_pages_are_valid_and_csp_clean(app, organiser_client, week, door):
    make_user(Role.DOOR_STAFF, email="spare@example.org")  # so the event page offers the form
    door_client = app.test_client()
    login(door_client, door)
    desk = f"/admin/events/{week.event.id}/check-in"
    pages = {
        "event-with-door-staff": organiser_client.get(f"/admin/events/{week.event.id}"),
        "role-confirm-door-staff": organiser_client.post(
            f"/admin/people/{week.partner.id}/role",
            data={"role": "door_staff", "organisation_id": "0"},
        ),
        "door-home": door_client.get("/door/"),
        "door-desk-scanned": door_client.get(
            desk, query_string={"reference": week.confirmed.reference}
        ),
        "door-desk-errors": door_client.post(desk, data={"reference": "nonsense"}),
    }
    assert_valid_pages(pages)
