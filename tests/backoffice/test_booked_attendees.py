"""What organisers see of tickets a professional booked for young people."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.models import Booking, Registration
from tests.registrations.test_booking_views import _book


def test_organisers_see_who_booked_filter_by_booking_and_export_it(organiser_client, week):
    week.event.capacity = 10
    db.session.commit()
    _book(organiser_client, week.event, ("Amir", ""), ("Bea", ""))
    booking = db.session.scalar(sa.select(Booking))
    listing = organiser_client.get(f"/admin/events/{week.event.id}/attendees").text
    assert "Jo Bell, Luton Council" in listing
    only = organiser_client.get(
        f"/admin/events/{week.event.id}/attendees?booking={booking.id}"
    ).text
    assert "2 people found" in only and "Amir" in only and "Ava" not in only
    booked = organiser_client.get(f"/admin/events/{week.event.id}/attendees?status=booked").text
    assert "2 people found" in booked
    amir = db.session.scalar(sa.select(Registration).where(Registration.first_name == "Amir"))
    record = organiser_client.get(f"/admin/registrations/{amir.id}").text
    assert "Booked by" in record and "Jo Bell, Luton Council (Personal adviser)" in record
    export = organiser_client.post(
        "/admin/exports",
        data={
            "scope": str(week.event.id),
            "file_format": "csv",
            "columns": ["first_name", "booked_by"],
        },
        buffered=True,
    )
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["First name", "Booked by"]
    assert ["Amir", "Jo Bell, Luton Council"] in rows and ["Ava", ""] in rows


def test_the_audit_log_says_a_professional_booked_places(organiser_client, week):
    week.event.capacity = 10
    db.session.commit()
    _book(organiser_client, week.event, ("Amir", ""))
    page = " ".join(organiser_client.get("/admin/audit").text.split())
    assert "A professional booked places for young people at" in page
    assert week.event.title in page
