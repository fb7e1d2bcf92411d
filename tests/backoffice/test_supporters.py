"""What organisers see of supporters: the event option, counts, lists, exports, the desk."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.registrations import services
from nclw.registrations.supporter_models import Supporter, SupporterRole
from nclw.timezones import utcnow
from tests.backoffice.helpers import event_form_data
from tests.conftest import login
from tests.factories import make_registration


def _with_supporter(event, **overrides):
    ticket = make_registration(event, **overrides)
    db.session.add(Supporter(registration=ticket, first_name="Jo", role=SupporterRole.CARER))
    if ticket.is_confirmed:
        event.confirmed_count += 1
    db.session.commit()
    return ticket


def test_organisers_turn_supporters_on_from_the_event_form(organiser_client, week):
    page = organiser_client.get(f"/admin/events/{week.event.id}/edit").text
    assert "Let young people bring a supporter" in page
    data = event_form_data(week.event, supporters_allowed="y")
    assert (
        organiser_client.post(f"/admin/events/{week.event.id}/edit", data=data).status_code == 302
    )
    db.session.refresh(week.event)
    assert week.event.supporters_allowed
    assert (
        "Young people may bring one supporter each"
        in organiser_client.get(f"/admin/events/{week.event.id}").text
    )


def test_counts_and_the_list_show_supporters_apart(organiser_client, week):
    week.event.capacity = 5
    week.event.supporters_allowed = True
    ticket = _with_supporter(week.event, first_name="Cleo")
    page = organiser_client.get(f"/admin/events/{week.event.id}/attendees").text
    # The total once, then who holds the places.
    assert "3 of 5 places taken. Held by 2 people and 1 supporter." in " ".join(page.split())
    assert page.count("places taken") == 1
    event_page = organiser_client.get(f"/admin/events/{week.event.id}").text
    assert "3 places taken: 2 people, 1 supporter." in event_page
    assert "Jo (carer)" in page
    record = organiser_client.get(f"/admin/registrations/{ticket.id}").text
    assert "Jo (carer), with a place of their own" in record
    sheet = organiser_client.get(f"/admin/events/{week.event.id}/register").text
    assert "with Jo (carer)" in sheet


def test_exports_have_the_supporter_in_columns_of_their_own(organiser_client, week):
    week.event.capacity = 5
    _with_supporter(week.event, first_name="Cleo")
    data = {
        "scope": str(week.event.id),
        "file_format": "csv",
        "columns": ["first_name", "supporter_first_name", "supporter_role"],
    }
    body = organiser_client.post("/admin/exports", data=data, buffered=True).get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["First name", "Supporter's first name", "Supporter's role"]
    assert ["Cleo", "Jo", "carer"] in rows
    assert ["Ava", "", ""] in rows


def test_the_desk_checks_the_supporter_in_alongside(client, week, door):
    week.event.capacity = 5
    ticket = _with_supporter(week.event, first_name="Cleo")
    login(client, door)
    found = client.get(f"/admin/events/{week.event.id}/check-in", query_string={"q": "cle"}).text
    assert "With their supporter, Jo (carer)" in found
    assert "0 of 2 people checked in. 1 supporter comes with them" in found
    client.post(f"/admin/events/{week.event.id}/check-in/{ticket.id}", data={"q": "cle"})
    db.session.refresh(ticket)
    assert ticket.checked_in_at is not None
    assert ticket.supporter.checked_in_at == ticket.checked_in_at
    page = client.get(f"/admin/events/{week.event.id}/check-in").text
    assert "with their supporter, Jo (carer), is checked in" in page


def test_cancelling_a_pair_shows_both_places_going_in_the_audit_log(organiser_client, week):
    week.event.capacity = 5
    ticket = _with_supporter(week.event)
    services.cancel_registration(ticket, now=utcnow())
    db.session.commit()
    db.session.refresh(week.event)
    # Both places went back; the one person waiting took one of them.
    assert week.event.confirmed_count == 2 and week.waiting.is_confirmed
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "supporter.released" in actions
    log = organiser_client.get("/admin/audit").text
    assert "gave back the supporter&#39;s place with" in log
