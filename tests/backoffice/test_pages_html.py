"""The people, role and event pages are valid HTML with no inline styles or scripts (CSP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nclw.extensions import db
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
