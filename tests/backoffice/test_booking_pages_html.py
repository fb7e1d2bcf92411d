"""The booking pages, public and the organisers' views of them, are valid HTML with no inline
styles or scripts (CSP)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.models import Registration
from tests.registrations.test_booking_views import _book, _form, _summary_link
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_booking_pages_are_valid_and_csp_clean(app, organiser_client, week):
    public = app.test_client()
    path = f"/events/{week.event.slug}/book-for-young-people"
    pages = {
        "booking form": public.get(path),
        "more rows": public.post(path, data={**_form(("Amir", "")), "add_rows": "Add more rows"}),
        "booking errors": public.post(path, data=_form(("", "a@example.com"), declared=False)),
        "booked": _book(public, week.event, ("Amir", ""), ("Bea", "bea@example.com")),
    }
    pages["booking page"] = public.get(_summary_link())
    amir = db.session.scalar(sa.select(Registration).where(Registration.first_name == "Amir"))
    pages["attendees"] = organiser_client.get(f"/admin/events/{week.event.id}/attendees")
    pages["attendee"] = organiser_client.get(f"/admin/registrations/{amir.id}")
    assert_valid_pages(pages)
