"""At the door: find people by name, check in, undo, and the warnings a desk needs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.registrations import on_the_day
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration


def _desk(event) -> str:
    return f"/admin/events/{event.id}/check-in"


def test_find_by_part_of_a_first_name_then_check_in_and_undo(app, client, week, door):
    week.event.capacity = 5
    sam = make_registration(week.event, first_name="Samira", access_requests="step_free")
    make_registration(week.event, first_name="Samuel", status=RegistrationStatus.CANCELLED)
    make_registration(make_event(), first_name="Sami")  # another event's
    db.session.commit()
    login(client, door)

    found = client.get(_desk(week.event), query_string={"q": "  sAm "}).text
    assert "Samira" in found and sam.reference in found and "Needs: step-free access" in found
    assert "Samuel" not in found and "<strong>Sami</strong>" not in found
    assert client.get(_desk(week.event), query_string={"q": "Zed"}).text.count(
        "Nobody at this event matches"
    )

    done = client.post(f"{_desk(week.event)}/{sam.id}", data={"q": "sam"})
    assert done.status_code == 302 and done.location.endswith("check-in?q=sam")
    db.session.refresh(sam)
    assert sam.checked_in_at is not None
    page = client.get(_desk(week.event)).text
    assert "is checked in" in page and "Undo" in page

    client.post(f"{_desk(week.event)}/{sam.id}/undo")
    db.session.refresh(sam)
    assert sam.checked_in_at is None
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["registration.checked_in", "registration.check_in_undone"]
    # Undoing twice says so, and changes nothing.
    client.post(f"{_desk(week.event)}/{sam.id}/undo")
    assert "is not checked in" in client.get(_desk(week.event)).text


def test_a_ticket_for_another_event_says_which(app, client, week):
    other = make_event(title="Open day at the college")
    theirs = make_registration(other)
    db.session.commit()
    login(client, week.organiser)
    found = client.get(_desk(week.event), query_string={"q": theirs.reference}).text
    assert "This ticket is for “Open day at the college”, not this event." in found
    typed = client.post(_desk(week.event), data={"reference": theirs.reference})
    assert typed.status_code == 400
    assert "This ticket is for “Open day at the college”, not this event." in typed.text
    db.session.refresh(theirs)
    assert theirs.checked_in_at is None


def test_a_desk_opened_on_another_day_warns(app, client, week):
    login(client, week.organiser)
    assert "Not today." in client.get(_desk(week.event)).text  # the event is days away
    now = utcnow()
    week.event.starts_at = now - timedelta(minutes=30)
    week.event.ends_at = now + timedelta(minutes=30)
    db.session.commit()
    assert on_the_day.not_today_warning(week.event, now=now) is None
    assert "Not today." not in client.get(_desk(week.event)).text
    warning = on_the_day.not_today_warning(week.event, now=now + timedelta(days=3))
    assert warning.startswith("This event was on ")


def test_a_person_of_another_event_is_not_found_by_its_button(app, client, week):
    other = make_registration(make_event())
    db.session.commit()
    login(client, week.organiser)
    assert client.post(f"{_desk(week.event)}/{other.id}").status_code == 404
    assert client.post(f"{_desk(week.event)}/{other.id}/undo").status_code == 404
