"""Access: what events offer, what people need, and who learns what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.errors import InvalidInput
from nclw.events.details import AccessFeature, access_list, store_access
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import personal_data
from nclw.registrations.models import Registration
from nclw.registrations.queries import access_summary
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration
from tests.partners.helpers import make_partner

NOTE = "I lip-read, so please face me when you speak."


def test_features_are_stored_in_the_lists_order_and_nothing_else_is_taken():
    assert store_access(["bsl", "step_free"]) == "step_free,bsl"
    assert access_list("bsl,step_free,unknown") == [AccessFeature.STEP_FREE, AccessFeature.BSL]
    with pytest.raises(InvalidInput, match="from the list"):
        store_access(["a lift"])


def test_an_event_says_what_it_offers_and_the_week_filters_by_it(app, client):
    with_bsl = make_event(title="Conference", access_features="step_free,bsl")
    make_event(title="Podcast", access_features="captions")
    db.session.commit()
    page = client.get(f"/events/{with_bsl.slug}").text
    assert "British Sign Language (BSL) interpreter" in page and "Step-free access" in page
    filtered = client.get("/?access=bsl").text
    assert "Conference" in filtered and "Podcast" not in filtered
    assert "Clear filters" in filtered
    everything = client.get("/?access=teleport").text  # an unknown value is ignored
    assert "Conference" in everything and "Podcast" in everything


def test_the_organisers_form_sets_them(app, organiser_client, week):
    form = organiser_client.get(f"/admin/events/{week.event.id}/edit").text
    assert 'name="access_features" type="checkbox" value="quiet_room"' in form
    data = {
        "title": week.event.title,
        "summary": week.event.summary,
        "host_id": week.event.host_id,
        "edition_id": week.event.edition_id,
        "starts_at": "2026-10-28T16:00",
        "ends_at": "2026-10-28T17:30",
        "format": "in_person",
        "venue_name": "Town Hall",
        "audience": "everyone",
        "age_rule": "16+",
        "access_features": ["quiet_room", "step_free"],
        "confirmed": "yes",
    }
    organiser_client.post(f"/admin/events/{week.event.id}/edit", data=data)
    db.session.expire_all()
    assert db.session.get(Event, week.event.id).access_features == "step_free,quiet_room"


def test_needs_reach_organisers_in_full_the_door_in_part_and_the_host_as_numbers(
    app, client, week, door
):
    partner = make_partner()
    week.event.host_id = partner.organisation_id
    week.event.capacity = 5
    week.confirmed.access_requests = "step_free,bsl"
    make_registration(week.event, access_requests="step_free", first_name="Zephyrine")
    make_registration(week.event, access_needs=NOTE, first_name="Quillon")
    db.session.commit()

    summary = access_summary(week.event)
    assert summary.in_words() == (
        "2 people need step-free access; 1 person needs a BSL interpreter; "
        "1 person told us about other needs"
    )
    login(client, week.organiser)
    assert summary.in_words() in client.get(f"/admin/events/{week.event.id}").text
    attendees = client.get(f"/admin/events/{week.event.id}/attendees").text
    assert "step-free access; a BSL interpreter" in attendees and NOTE in attendees.replace(
        "&#39;", "'"
    )
    desk = f"/admin/events/{week.event.id}/check-in"
    dee = db.session.scalar(sa.select(Registration).where(Registration.first_name == "Quillon"))
    assert NOTE in client.get(desk, query_string={"reference": dee.reference}).text.replace(
        "&#39;", "'"
    )

    # Door staff: the listed needs that matter at the door, never what people wrote.
    at_the_door = app.test_client()
    login(at_the_door, door)
    ava = at_the_door.get(desk, query_string={"reference": week.confirmed.reference}).text
    assert "step-free access, a BSL interpreter" in ava
    assert "lip-read" not in at_the_door.get(desk, query_string={"reference": dee.reference}).text

    # The host: numbers only.
    host = app.test_client()
    login(host, partner)
    session = host.get(f"/partner/sessions/{week.event.id}").text
    assert "2 people need step-free access" in session
    assert "lip-read" not in session and "Zephyrine" not in session and "Quillon" not in session


def test_signing_up_with_needs_and_deleting_them(app, client):
    event = make_event()
    db.session.commit()
    client.post(
        f"/events/{event.slug}/register",
        data={
            "first_name": "Robin",
            "email": "robin@example.com",
            "access_requests": ["captions", "easy_read"],
        },
    )
    registration = db.session.scalar(sa.select(Registration))
    assert registration.access_requests == "captions,easy_read"
    personal_data.delete_my_details(registration, now=utcnow())
    db.session.commit()
    db.session.refresh(registration)
    assert registration.access_requests == ""
