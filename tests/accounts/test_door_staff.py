"""Door staff: giving them events and taking events away, and who may check in where."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from nclw.accounts import door_staff, invitations, services
from nclw.accounts.models import DoorStaffAssignment, Role
from nclw.accounts.permissions import can_check_in
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.timezones import utcnow
from tests.factories import give_event, make_event, make_user
from tests.mail.helpers import outbox_rows

NOW = utcnow().replace(microsecond=0)
PASSWORD = "purple tractor singing"


def _invitation_link() -> str:
    """The link in the invitation email, as its reader would find it."""
    send_pending()
    [email] = list_emails(current_app.config["MAIL_FILE_DIRECTORY"])
    return re.search(r"http://nclw\.test(/account/invite/\S+)", email.text).group(1)


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_an_organiser_gives_door_staff_an_event_and_takes_it_away(app):
    organiser = make_user(email="boss@example.org")
    person = make_user(Role.DOOR_STAFF, email="door@example.org")
    event = make_event(title="TOGETHER")
    assert not can_check_in(person, event)

    door_staff.assign_door_staff(person, event, actor=organiser, now=NOW)
    db.session.commit()

    assert can_check_in(person, event)
    assert door_staff.door_staff_at(event) == [person]
    assert door_staff.door_staff_to_give(event) == []
    [given] = _audit("event.door_staff_assigned")
    assert (given.actor_id, given.target_type, given.target_id) == (organiser.id, "Event", event.id)
    assert given.summary == f"door staff user {person.id}"
    assignment = db.session.get(DoorStaffAssignment, (event.id, person.id))
    assert assignment.assigned_by_id == organiser.id and assignment.assigned_at == NOW

    door_staff.unassign_door_staff(person, event, actor=organiser, now=NOW)
    db.session.commit()

    assert not can_check_in(person, event)
    assert door_staff.door_staff_at(event) == []
    assert door_staff.door_staff_to_give(event) == [person]
    [taken] = _audit("event.door_staff_unassigned")
    assert taken.actor_id == organiser.id and taken.summary == f"door staff user {person.id}"


def test_giving_and_taking_away_are_refused_when_they_make_no_sense(app):
    organiser = make_user()
    person = make_user(Role.DOOR_STAFF)
    event = make_event()
    with pytest.raises(NotAllowed, match="does not check people in"):
        door_staff.unassign_door_staff(person, event, actor=organiser, now=NOW)
    door_staff.assign_door_staff(person, event, actor=organiser, now=NOW)
    with pytest.raises(NotAllowed, match="already checks people in"):
        door_staff.assign_door_staff(person, event, actor=organiser, now=NOW)
    db.session.commit()
    assert len(_audit("event.door_staff_assigned")) == 1
    for not_door_staff in (make_user(Role.PARTNER), make_user(Role.ORGANISER)):
        with pytest.raises(InvalidInput, match="not door staff"):
            door_staff.assign_door_staff(not_door_staff, event, actor=organiser, now=NOW)


@pytest.mark.parametrize("role", [Role.PARTNER, Role.DOOR_STAFF])
def test_only_an_active_organiser_gives_or_takes_away_events(app, role):
    person = make_user(Role.DOOR_STAFF)
    event = make_event()
    give_event(person, event)
    someone = make_user(role)
    with pytest.raises(Forbidden):
        door_staff.assign_door_staff(person, make_event(), actor=someone, now=NOW)
    with pytest.raises(Forbidden):
        door_staff.unassign_door_staff(person, event, actor=someone, now=NOW)
    gone = make_user(active=False)
    with pytest.raises(Forbidden):
        door_staff.unassign_door_staff(person, event, actor=gone, now=NOW)
    assert can_check_in(person, event)


def test_who_may_check_people_in_at_an_event(app):
    event = make_event()
    given = make_user(Role.DOOR_STAFF)
    give_event(given, event)
    organiser = make_user()
    assert can_check_in(organiser, event)  # every event
    assert can_check_in(given, event)
    assert not can_check_in(given, make_event())  # only the events given
    assert not can_check_in(make_user(Role.DOOR_STAFF), event)
    assert not can_check_in(make_user(Role.PARTNER, organisation=event.host), event)
    assert not can_check_in(None, event)
    given.active = False
    organiser.active = False
    assert not can_check_in(given, event)
    assert not can_check_in(organiser, event)


def test_door_staff_see_the_events_still_to_come_first(app):
    person = make_user(Role.DOOR_STAFF)
    later = make_event(title="Later", starts_at=NOW + timedelta(days=9))
    soon = make_event(title="Soon", starts_at=NOW + timedelta(days=1))
    long_ago = make_event(title="Long ago", starts_at=NOW - timedelta(days=30))
    lately = make_event(title="Lately", starts_at=NOW - timedelta(days=2))
    # Under way now: still to come, as far as the door is concerned.
    under_way = make_event(title="Under way", starts_at=NOW - timedelta(minutes=30))
    make_event(title="Not given")
    for event in (later, long_ago, soon, lately, under_way):
        give_event(person, event)
    titles = [event.title for event in door_staff.events_given_to(person, now=NOW)]
    assert titles == ["Under way", "Soon", "Later", "Lately", "Long ago"]


def test_someone_who_stops_being_door_staff_loses_their_events(app):
    organiser = make_user()
    person = make_user(Role.DOOR_STAFF)
    event = make_event()
    give_event(person, event)
    services.change_role(person, Role.ORGANISER, organisation=None, actor=organiser, now=NOW)
    services.change_role(person, Role.DOOR_STAFF, organisation=None, actor=organiser, now=NOW)
    db.session.commit()
    assert door_staff.events_given_to(person, now=NOW) == []
    assert not can_check_in(person, event)


def test_a_deleted_event_takes_its_door_staff_with_it(app):
    person = make_user(Role.DOOR_STAFF)
    event = make_event()
    give_event(person, event)
    db.session.delete(event)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoorStaffAssignment)) == 0


def test_the_people_page_lists_organisers_then_partner_users_then_door_staff(app):
    door = make_user(Role.DOOR_STAFF, email="a-door@example.org")
    partner = make_user(Role.PARTNER, email="b-partner@example.org")
    organiser = make_user(email="c-organiser@example.org")
    assert services.list_users() == [organiser, partner, door]
    assert [u.role_name for u in (organiser, door)] == ["Organiser", "Door staff"]
    assert partner.role_name == f"Partner user for {partner.organisation.name}"


def test_an_invited_door_staff_sets_a_password_and_lands_on_their_events(app, client):
    organiser = make_user(email="boss@example.org", password=PASSWORD)
    event = make_event(title="TOGETHER conference")
    client.post("/sign-in", data={"email": "boss@example.org", "password": PASSWORD})
    invited = client.post("/admin/people", data={"email": "Door@Example.org", "role": "door_staff"})
    assert invited.status_code == 302
    client.post("/sign-out")
    [token] = invitations.pending_invitations(now=utcnow())
    assert token.role == Role.DOOR_STAFF and token.organisation_id is None

    link = _invitation_link()
    done = client.post(link, data={"name": "Dee", "password": PASSWORD, "confirm": PASSWORD})

    assert done.status_code == 302 and done.headers["Location"] == "/door/"
    person = services.find_user_by_email("door@example.org")
    assert person.role == Role.DOOR_STAFF and person.organisation_id is None
    page = client.get("/door/")
    assert page.status_code == 200 and b"You have no events yet" in page.data
    assert client.get("/admin/").status_code == 403

    door_staff.assign_door_staff(person, event, actor=organiser, now=utcnow())
    db.session.commit()
    page = client.get("/door/")
    assert b"TOGETHER conference" in page.data
    assert f"/admin/events/{event.id}/check-in".encode() in page.data
    assert client.get(f"/admin/events/{event.id}/check-in").status_code == 200


def test_the_invitation_email_says_door_staff(app):
    organiser = make_user()
    invitations.invite_user(
        "door@example.org", role=Role.DOOR_STAFF, organisation=None, actor=organiser, now=NOW
    )
    db.session.commit()
    [entry] = _audit("user.invited")
    assert entry.summary == "door_staff"
    [message] = outbox_rows()
    assert "as door staff." in message.text_body
