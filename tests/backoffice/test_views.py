"""Back-office pages: wiring, confirm steps and what each one shows."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import to_uk
from tests.backoffice.helpers import event_form_data
from tests.factories import make_edition, make_organisation, make_registration


def _outbox(kind: str) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def _actions() -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_dashboard_shows_places_waiting_chart_and_mail_health(organiser_client, week):
    db.session.add(
        OutboxMessage(
            kind="x",
            to_address="a@example.com",
            subject="s",
            text_body="b",
            status=MessageStatus.FAILED,
        )
    )
    db.session.commit()
    page = organiser_client.get(f"/admin/?year={week.event.edition.year}").get_data(as_text=True)
    assert week.event.title in page
    assert "1 of 1 places taken" in page and "1 waiting" in page
    assert '<svg class="chart"' in page and "Sign-ups per day" in page
    assert "<strong>1</strong> email failed" in page
    assert "questions awaiting moderation" in page and "proposals awaiting review" in page


def test_create_an_event_as_a_draft(organiser_client, week):
    organisation = make_organisation(name="Catch22")
    edition = make_edition()
    db.session.commit()
    data = {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "host_id": organisation.id,
        "edition_id": edition.id,
        "starts_at": "2030-10-28T16:00",
        "ends_at": "2030-10-28T17:30",
        "format": "online",
        "online_url": "https://meet.example.org/cv",
        "capacity": "20",
        "audience": "everyone",
    }
    response = organiser_client.post("/admin/events/new", data=data)
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.title == "CV clinic"))
    assert event.status == EventStatus.DRAFT
    assert to_uk(event.starts_at).hour == 16  # typed as UK time, stored as UTC
    bad = organiser_client.post("/admin/events/new", data={**data, "ends_at": "2030-10-28T15:00"})
    assert bad.status_code == 400 and b"end after it starts" in bad.data
    assert b"CV clinic" in bad.data  # what was typed is kept


def test_moving_an_event_asks_first_then_notifies(organiser_client, week):
    event = week.event
    later = to_uk(event.starts_at + timedelta(hours=2))
    data = event_form_data(
        event,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    ask = organiser_client.post(f"/admin/events/{event.id}/edit", data=data)
    assert ask.status_code == 200
    assert b"This will notify 2 attendees" in ask.data
    assert _outbox("event_changed") == []
    done = organiser_client.post(
        f"/admin/events/{event.id}/edit", data={**data, "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert len(_outbox("event_changed")) == 2
    db.session.refresh(event)
    assert to_uk(event.starts_at).strftime("%Y-%m-%dT%H:%M") == data["starts_at"]


def test_raising_capacity_from_the_edit_page_promotes(organiser_client, week):
    data = event_form_data(week.event, capacity="2")
    assert (
        organiser_client.post(f"/admin/events/{week.event.id}/edit", data=data).status_code == 302
    )
    db.session.refresh(week.waiting)
    assert week.waiting.status == RegistrationStatus.CONFIRMED
    assert len(_outbox("promoted")) == 1


def test_publish_unpublish_cancel_and_duplicate(organiser_client, week):
    event = week.event
    refused = organiser_client.post(f"/admin/events/{event.id}/unpublish", follow_redirects=True)
    assert b"people are signed up" in refused.data
    no_reason = organiser_client.post(f"/admin/events/{event.id}/cancel", data={"reason": ""})
    assert no_reason.status_code == 400
    page = organiser_client.get(f"/admin/events/{event.id}/cancel")
    assert b"2 people are signed up" in page.data
    done = organiser_client.post(
        f"/admin/events/{event.id}/cancel", data={"reason": "The venue flooded."}
    )
    assert done.status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
    assert len(_outbox("event_cancelled")) == 2
    copy = organiser_client.post(f"/admin/events/{event.id}/duplicate")
    assert copy.status_code == 302 and "/edit" in copy.headers["Location"]
    new = db.session.scalar(sa.select(Event).order_by(Event.id.desc()))
    assert new.status == EventStatus.DRAFT
    assert organiser_client.post(f"/admin/events/{new.id}/publish").status_code == 302
    db.session.refresh(new)
    assert new.status == EventStatus.PUBLISHED


def test_attendee_list_search_and_status_filter(organiser_client, week):
    url = f"/admin/events/{week.event.id}/attendees"
    everyone = organiser_client.get(url).get_data(as_text=True)
    assert "ava@example.com" in everyone and "ben@example.com" in everyone
    assert "Waiting (number 1)" in everyone
    found = organiser_client.get(url, query_string={"q": "BEN"}).get_data(as_text=True)
    assert "ben@example.com" in found and "ava@example.com" not in found
    by_ref = organiser_client.get(url, query_string={"q": week.confirmed.reference.lower()})
    assert b"ava@example.com" in by_ref.data and b"ben@example.com" not in by_ref.data
    waiting = organiser_client.get(url, query_string={"status": "waiting"}).get_data(as_text=True)
    assert "ben@example.com" in waiting and "ava@example.com" not in waiting


def test_promote_cancel_resend_check_in_and_no_show_by_hand(organiser_client, week):
    full = organiser_client.post(
        f"/admin/registrations/{week.waiting.id}/promote", follow_redirects=True
    )
    assert b"There are no free places" in full.data
    confirm = organiser_client.get(f"/admin/registrations/{week.confirmed.id}/cancel")
    assert b"Cancel it and tell them" in confirm.data
    # A reason is asked for: the person reads it.
    unexplained = organiser_client.post(f"/admin/registrations/{week.confirmed.id}/cancel")
    assert unexplained.status_code == 400 and b"Say why you are cancelling it" in unexplained.data
    db.session.refresh(week.confirmed)
    assert week.confirmed.status == RegistrationStatus.CONFIRMED
    organiser_client.post(
        f"/admin/registrations/{week.confirmed.id}/cancel", data={"reason": "Signed up twice."}
    )
    db.session.refresh(week.waiting)
    assert week.waiting.status == RegistrationStatus.CONFIRMED  # the freed place went on
    organiser_client.post(f"/admin/registrations/{week.waiting.id}/resend")
    assert len(_outbox("ticket_resent")) == 1
    organiser_client.post(f"/admin/registrations/{week.waiting.id}/no-show")
    db.session.refresh(week.waiting)
    assert week.waiting.no_show is True
    organiser_client.post(f"/admin/registrations/{week.waiting.id}/check-in")
    db.session.refresh(week.waiting)
    assert week.waiting.checked_in_at is not None and week.waiting.no_show is False
    assert {
        "registration.cancelled",
        "registration.marked_no_show",
        "registration.checked_in",
    } <= set(_actions())


def test_check_in_desk_by_reference_and_by_scanned_link(organiser_client, week):
    url = f"/admin/events/{week.event.id}/check-in"
    scanned = organiser_client.get(url, query_string={"reference": week.confirmed.reference})
    assert scanned.status_code == 200
    assert b"Confirmed ticket." in scanned.data and b"Ava" in scanned.data
    db.session.refresh(week.confirmed)
    assert week.confirmed.checked_in_at is None  # opening the link changes nothing
    done = organiser_client.post(url, data={"reference": week.confirmed.reference.lower()})
    assert done.status_code == 302
    again = organiser_client.post(url, data={"reference": week.confirmed.reference})
    assert again.status_code == 302  # they are in either way
    assert b"was already checked in at" in organiser_client.get(url).data
    wrong = organiser_client.post(url, data={"reference": "NCLW-222222"})
    assert wrong.status_code == 400 and b"There is no ticket NCLW-222222" in wrong.data


def test_ticket_qr_code_opens_the_check_in_desk(app, client, week):
    token = week.confirmed.link_token
    ticket = client.get(f"/tickets/{token}")
    assert f"/tickets/{token}/qr.svg".encode() in ticket.data
    response = client.get(f"/tickets/{token}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    expected_url = (
        f"http://nclw.test/admin/events/{week.event.id}/check-in"
        f"?reference={week.confirmed.reference}"
    )
    expected = io.BytesIO()
    segno.make(expected_url, error="m").save(
        expected, kind="svg", scale=5, border=2, xmldecl=False, title=week.confirmed.reference
    )
    assert response.data == expected.getvalue()
    assert client.get(f"/tickets/{week.waiting.link_token}/qr.svg").status_code == 404


def test_message_attendees_preview_then_send(organiser_client, week):
    url = f"/admin/events/{week.event.id}/message"
    data = {"audience": "all", "subject": "Bring ID", "body": "Please bring photo ID."}
    preview = organiser_client.post(url, data={**data, "action": "preview"})
    assert preview.status_code == 200
    assert b"It will go to <strong>2 people</strong>" in preview.data
    assert b"Please bring photo ID." in preview.data
    assert _outbox("attendee_message") == []
    sent = organiser_client.post(url, data={**data, "confirmed": "yes", "action": "send"})
    assert sent.status_code == 302
    assert {m.to_address for m in _outbox("attendee_message")} == {
        "ava@example.com",
        "ben@example.com",
    }


def test_mail_log_and_retry(organiser_client, week):
    failed = OutboxMessage(
        kind="x",
        to_address="a@example.com",
        subject="Hello",
        text_body="b",
        status=MessageStatus.FAILED,
        last_error="550 mailbox unavailable",
    )
    db.session.add(failed)
    db.session.commit()
    page = organiser_client.get("/admin/mail", query_string={"status": "failed"})
    assert b"550 mailbox unavailable" in page.data and b"Retry" in page.data
    organiser_client.post(f"/admin/mail/{failed.id}/retry")
    db.session.refresh(failed)
    assert failed.status == MessageStatus.PENDING
    again = organiser_client.post(f"/admin/mail/{failed.id}/retry", follow_redirects=True)
    assert b"Only a message that failed" in again.data


def test_audit_log_lists_what_happened(organiser_client, week):
    organiser_client.post(f"/admin/registrations/{week.confirmed.id}/check-in")
    page = organiser_client.get("/admin/audit").get_data(as_text=True)
    checked_in = f"{week.organiser.name} checked in Ava&#39;s ticket for “{week.event.title}”."
    assert checked_in in page
    filtered = organiser_client.get("/admin/audit", query_string={"kind": "events"})
    assert checked_in not in filtered.get_data(as_text=True)


def test_invite_people(organiser_client, week):
    refused = organiser_client.post(
        "/admin/people", data={"email": "p@example.org", "role": "partner", "organisation_id": 0}
    )
    assert refused.status_code == 400 and b"Choose the organisation" in refused.data
    organisation = make_organisation(name="Catch22")
    db.session.commit()
    done = organiser_client.post(
        "/admin/people",
        data={"email": "p@example.org", "role": "partner", "organisation_id": organisation.id},
    )
    assert done.status_code == 302
    assert [m.to_address for m in _outbox("account_invite")] == ["p@example.org"]
    assert b"p@example.org (partner)" in organiser_client.get("/admin/people").data
    assert "user.invited" in _actions()


def test_stop_a_user_signing_in(organiser_client, week):
    organiser_client.post(f"/admin/people/{week.partner.id}/active", data={"active": "0"})
    db.session.refresh(week.partner)
    assert week.partner.active is False


def test_delete_my_details_from_the_ticket_page(app, client, week):
    token = week.confirmed.link_token
    assert b"Delete my details" in client.get(f"/tickets/{token}").data
    confirm = client.get(f"/tickets/{token}/delete")
    assert b"Yes, delete my details" in confirm.data
    done = client.post(f"/tickets/{token}/delete")
    assert done.status_code == 302
    assert b"Your details are deleted" in client.get(done.headers["Location"]).data
    assert client.get(f"/tickets/{token}").status_code == 404
    db.session.refresh(week.confirmed)
    assert week.confirmed.email == "" and week.confirmed.first_name == ""


def test_a_cancelled_registration_cannot_be_resent(organiser_client, week):
    registration = make_registration(week.event, status=RegistrationStatus.CANCELLED)
    response = organiser_client.post(
        f"/admin/registrations/{registration.id}/resend", follow_redirects=True
    )
    assert b"nothing to resend" in response.data
