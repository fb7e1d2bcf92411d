"""Door staff at the check-in desk, and organisers giving them events on the event's page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from nclw.accounts import door_staff, services
from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration, make_user

ACCESS_NEEDS = "Step-free route please, and a quiet room"


def _desk(week) -> str:
    return f"/admin/events/{week.event.id}/check-in"


def _links(page: bytes) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page.decode()))


def test_the_desk_shows_door_staff_no_email_address_and_no_access_needs(door_client, week):
    week.confirmed.access_needs = ACCESS_NEEDS
    week.event.capacity = 5
    arrived = make_registration(
        week.event, first_name="Dara", email="dara@example.com", access_needs=ACCESS_NEEDS
    )
    db.session.commit()
    door_client.post(_desk(week), data={"reference": arrived.reference})

    scanned = door_client.get(_desk(week), query_string={"reference": week.confirmed.reference})

    assert scanned.status_code == 200
    page = scanned.data.decode()
    # What checking in needs: who it is, their reference and the state of their ticket.
    assert "Ava" in page and week.confirmed.reference in page and "Confirmed ticket." in page
    assert "Dara" in page and arrived.reference in page  # the latest check-ins
    for private in ("ava@example.com", "dara@example.com", "ben@example.com", "Step-free"):
        assert private not in page
    assert "@example.com" not in page


def test_the_desk_shows_door_staff_nothing_of_the_back_office(door_client, week):
    page = door_client.get(_desk(week)).data
    links = _links(page)
    assert "/door/" in links  # the way back, in the header and on the page
    assert not {link for link in links if link.startswith(("/admin", "/partner"))}
    assert b"Back office" not in page and b"Your account" in page and b"Sign out" in page


def test_an_organisers_desk_keeps_the_back_office_around_it(organiser_client, week):
    links = _links(organiser_client.get(_desk(week)).data)
    assert {f"/admin/events/{week.event.id}", "/admin/people", "/admin/audit"} <= links
    assert "/door/" not in links


def test_a_check_in_by_door_staff_is_audited_with_them_as_the_actor(door_client, week, door):
    done = door_client.post(_desk(week), data={"reference": week.confirmed.reference})
    assert done.status_code == 302
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.checked_in")
    )
    assert (entry.actor_id, entry.actor_label) == (door.id, "door@example.org")
    assert entry.target_id == week.confirmed.id


def test_taking_an_event_away_closes_its_desk_at_once(door_client, week, door):
    assert door_client.get(_desk(week)).status_code == 200
    door_staff.unassign_door_staff(door, week.event, actor=week.organiser, now=utcnow())
    db.session.commit()
    # The same signed-in session, the very next request.
    assert door_client.get(_desk(week)).status_code == 403
    refused = door_client.post(_desk(week), data={"reference": week.confirmed.reference})
    assert refused.status_code == 403
    db.session.refresh(week.confirmed)
    assert week.confirmed.checked_in_at is None
    assert week.event.title.encode() not in door_client.get("/door/").data


def test_stopping_door_staff_signing_in_ends_their_session(door_client, week, door):
    services.set_user_active(door, False, actor=week.organiser, now=utcnow())
    db.session.commit()
    response = door_client.get(_desk(week))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_door_staff_start_on_their_events_each_linking_to_its_desk(door_client, week):
    page = door_client.get("/door/")
    assert page.status_code == 200
    assert week.event.title.encode() in page.data
    links = _links(page.data)
    assert _desk(week) in links
    assert not {link for link in links if link.startswith(("/admin", "/partner"))} - {_desk(week)}
    assert b"Back office" not in page.data and b"Partner area" not in page.data


def test_a_scanned_ticket_sends_door_staff_to_sign_in_and_back_to_the_desk(app, client, week, door):
    scanned = f"{_desk(week)}?reference={week.confirmed.reference}"
    to_sign_in = client.get(scanned)
    assert to_sign_in.status_code == 302 and "/sign-in" in to_sign_in.headers["Location"]
    signed_in = client.post(
        to_sign_in.headers["Location"],
        data={"email": "door@example.org", "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith(scanned)
    assert b"Confirmed ticket." in client.get(scanned).data


def test_door_staff_signing_in_land_on_their_events(app, client, door):
    signed_in = client.post(
        "/sign-in", data={"email": "door@example.org", "password": "correct horse battery"}
    )
    assert signed_in.headers["Location"] == "/door/"


def test_an_organiser_gives_and_takes_away_an_event_on_its_page(organiser_client, week):
    person = make_user(Role.DOOR_STAFF, email="sol@example.org", name="Sol")
    make_user(Role.DOOR_STAFF, email="gone@example.org", active=False)
    event_page = f"/admin/events/{week.event.id}"
    page = organiser_client.get(event_page).data.decode()
    assert "No door staff have this event." in page
    assert "Sol (sol@example.org)" in page and "gone@example.org" not in page

    given = organiser_client.post(f"{event_page}/door-staff", data={"user_id": person.id})
    assert given.status_code == 302 and given.headers["Location"].endswith("#door-staff")
    page = organiser_client.get(event_page).data.decode()
    assert "sol@example.org can now check people in at this event." in page
    assert f"{event_page}/door-staff/{person.id}/remove" in page
    assert door_staff.door_staff_at(week.event) == [person]

    taken = organiser_client.post(f"{event_page}/door-staff/{person.id}/remove")
    assert taken.status_code == 302
    assert door_staff.door_staff_at(week.event) == []
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("event.door_staff_%"))
    )
    assert sorted(actions) == ["event.door_staff_assigned", "event.door_staff_unassigned"]


def test_giving_an_event_to_someone_who_is_not_door_staff_is_refused(organiser_client, week):
    event_page = f"/admin/events/{week.event.id}"
    make_user(Role.DOOR_STAFF)  # so the form is offered
    for nobody in (0, week.partner.id, 999):
        refused = organiser_client.post(f"{event_page}/door-staff", data={"user_id": nobody})
        assert refused.status_code == 302
    assert door_staff.door_staff_at(week.event) == []
    assert b"Choose who to give this event to" in organiser_client.get(event_page).data


def test_the_desk_of_another_event_stays_closed_to_door_staff(door_client, week):
    other = make_event()
    assert door_client.get(f"/admin/events/{other.id}/check-in").status_code == 403
    assert door_client.get("/admin/events/999999/check-in").status_code == 404
