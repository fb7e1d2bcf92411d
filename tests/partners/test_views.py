"""The partner area and the organisers' review screens, through HTTP."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.partners.models import Proposal, ProposalState
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import to_uk
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal, week_day


def form_data(**overrides) -> dict:
    day = week_day()
    values = {
        "title": "CV clinic",
        "summary": "Get your CV checked by recruiters.",
        "description": "Bring a CV if you have one.",
        "highlights": "A better CV",
        "day": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:30",
        "format": "online",
        "audience": "care_experienced",
        "capacity": "15",
        "online_url": "https://meet.example.org/cv",
        "safeguarding_lead": "Priya Shah",
        "safeguarding_contact": "07700 900123",
        "staff_dbs_checked": "yes",
        "age_rule": "18+",
        "note_to_reviewers": "",
    }
    values.update(overrides)
    return values


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, email="organiser@nclw.example")


def test_partner_proposes_saves_a_draft_and_sends_it(app, client, organiser):
    partner = make_partner("Accenture")
    login(client, partner)
    assert client.get("/partner/proposals/new").status_code == 200

    response = client.post("/partner/proposals/new", data=form_data())
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert response.headers["Location"].endswith(f"/partner/proposals/{proposal.id}")
    assert proposal.state == ProposalState.DRAFT
    assert proposal.organisation_id == partner.organisation_id
    assert to_uk(proposal.starts_at).hour == 16
    assert proposal.staff_dbs_checked is True and proposal.under_18s_allowed is False
    assert outbox() == []

    page = client.get(f"/partner/proposals/{proposal.id}").get_data(as_text=True)
    assert "Priya Shah" in page and "Send for review" in page

    response = client.post(f"/partner/proposals/{proposal.id}/submit", follow_redirects=True)
    assert "Sent for review" in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.SUBMITTED
    assert [m.to_address for m in outbox("proposal_submitted")] == ["organiser@nclw.example"]
    # Sent proposals are locked while organisers look.
    edit = client.get(f"/partner/proposals/{proposal.id}/edit")
    assert edit.status_code == 302


def test_a_partner_account_switched_off_by_hand_is_refused_at_once(app, client):
    # Deactivating ends an account's sessions; one switched off straight in the database
    # keeps its cookie, and the partner area still refuses it, as the back office does.
    partner = make_partner()
    login(client, partner)
    assert client.get("/partner/").status_code == 200
    partner.active = False
    db.session.commit()
    assert client.get("/partner/").status_code == 403
    assert client.get("/partner/proposals/new").status_code == 403


def test_form_problems_are_shown_and_what_was_typed_is_kept(app, client):
    login(client, make_partner())
    response = client.post(
        "/partner/proposals/new",
        data=form_data(staff_dbs_checked="", end_time="15:00", format="in_person"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Say whether staff are DBS-checked, or that you are not sure yet" in page
    assert "The end time must be after the start time" in page
    assert "Enter the venue for an in-person session" in page
    assert 'value="CV clinic"' in page
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_organiser_reviews_asks_for_changes_then_approves(app, client, organiser):
    partner = make_partner("Catch22")
    proposal = make_proposal(partner, submit=True)

    login(client, organiser)
    listing = client.get("/admin/proposals/").get_data(as_text=True)
    assert proposal.title in listing and "Waiting for review" in listing

    empty = client.post(f"/admin/proposals/{proposal.id}/request-changes", data={"comments": ""})
    assert empty.status_code == 400
    assert "Say what needs to change" in empty.get_data(as_text=True)

    client.post(
        f"/admin/proposals/{proposal.id}/request-changes",
        data={"comments": "Please lower the places to 12."},
    )
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.CHANGES_REQUESTED
    assert outbox("proposal_changes_requested")[0].to_address == partner.email

    partner_client = app.test_client()
    login(partner_client, partner)
    page = partner_client.get(f"/partner/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert "Please lower the places to 12." in page
    values = form_data(title=proposal.title, capacity="12")
    assert (
        partner_client.post(f"/partner/proposals/{proposal.id}/edit", data=values).status_code
        == 302
    )
    partner_client.post(f"/partner/proposals/{proposal.id}/submit")
    db.session.refresh(proposal)
    assert len(proposal.versions) == 2

    review = client.get(f"/admin/proposals/{proposal.id}").get_data(as_text=True)
    assert "Version 2" in review and "Version 1" in review
    assert "Changed" in review  # the comparison marks the rows that differ

    response = client.post(f"/admin/proposals/{proposal.id}/approve", follow_redirects=True)
    assert "Approved and published" in response.get_data(as_text=True)
    event = db.session.scalar(sa.select(Event).where(Event.host_id == partner.organisation_id))
    assert event.status == EventStatus.PUBLISHED and event.capacity == 12

    week = client.get("/").get_data(as_text=True)
    assert event.title in week and "Catch22" in week
    detail = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Hosted by Catch22" in detail
    assert outbox("proposal_approved")[0].to_address == partner.email


def test_organiser_declines_with_a_reason(app, client, organiser):
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    login(client, organiser)
    assert client.post(f"/admin/proposals/{proposal.id}/decline", data={}).status_code == 400
    client.post(f"/admin/proposals/{proposal.id}/decline", data={"reason": "It is full."})
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.DECLINED
    again = client.post(f"/admin/proposals/{proposal.id}/approve", follow_redirects=True)
    assert "cannot be done" in again.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.DECLINED


def test_drafts_stay_private_and_partners_cannot_review(app, client, organiser):
    partner = make_partner()
    draft = make_proposal(partner)
    login(client, organiser)
    assert client.get(f"/admin/proposals/{draft.id}").status_code == 404
    login(client, partner)
    submitted = make_proposal(partner, submit=True)
    assert client.get(f"/admin/proposals/{submitted.id}").status_code == 403
    assert client.post(f"/admin/proposals/{submitted.id}/approve").status_code == 403


def test_session_page_shows_counts_and_only_shared_attendees(app, client):
    partner = make_partner()
    event = make_event(host=partner.organisation, capacity=2)
    make_registration(event, first_name="Amira", email="amira@example.com", share_with_host=True)
    make_registration(event, first_name="Hidden", email="hidden@example.com")
    make_registration(
        event,
        first_name="=HYPERLINK(1)",
        email="w@example.com",
        share_with_host=True,
        status=RegistrationStatus.WAITING,
    )
    login(client, partner)
    page = client.get(f"/partner/sessions/{event.id}").get_data(as_text=True)
    assert "Amira" in page and "amira@example.com" in page
    assert "Hidden" not in page and "hidden@example.com" not in page
    assert "2 of 2 places" in page

    export = client.post(f"/partner/sessions/{event.id}/attendees.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.headers["Cache-Control"] == "no-store"
    text = export.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["First name", "Email", "Status"]
    assert ["Amira", "amira@example.com", "Confirmed"] in rows
    assert ["'=HYPERLINK(1)", "w@example.com", "On the waiting list"] in rows
    assert "hidden@example.com" not in text


def test_moderation_link_only_where_partners_moderate(app, client):
    partner = make_partner()
    allowed = make_event(host=partner.organisation, qa_enabled=True, partner_moderates=True)
    not_allowed = make_event(host=partner.organisation, qa_enabled=True)
    login(client, partner)
    assert "Moderate questions" in client.get(f"/partner/sessions/{allowed.id}").get_data(
        as_text=True
    )
    assert "Moderate questions" not in client.get(f"/partner/sessions/{not_allowed.id}").get_data(
        as_text=True
    )


def test_reviewers_are_warned_when_a_session_is_outside_the_week(app, client, organiser):
    partner = make_partner()
    inside = make_proposal(partner, submit=True)
    outside = make_proposal(
        partner,
        submit=True,
        starts_at=inside.starts_at + timedelta(days=400),
        ends_at=inside.ends_at + timedelta(days=400),
    )
    login(client, organiser)
    warning = "not during any week"
    assert warning not in client.get(f"/admin/proposals/{inside.id}").get_data(as_text=True)
    assert warning in client.get(f"/admin/proposals/{outside.id}").get_data(as_text=True)


def test_nonsense_dates_and_numbers_get_plain_messages(app, client):
    login(client, make_partner())
    response = client.post(
        "/partner/proposals/new",
        data=form_data(day="31/31/2026", start_time="4pm", capacity="lots"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The date must be a real date" in page
    assert "Enter a time on a 24-hour clock, like 16:00" in page
    assert "Enter the number of places as a whole number, like 20" in page
    assert "Not a valid" not in page


def test_a_partners_csv_download_is_in_the_audit_log(app, client):
    partner = make_partner()
    event = make_event(host=partner.organisation)
    make_registration(event, first_name="Amira", email="amira@example.com", share_with_host=True)
    login(client, partner)
    assert client.post(f"/partner/sessions/{event.id}/attendees.csv").status_code == 200
    db.session.expire_all()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.downloaded"))
    assert entry is not None and entry.actor_id == partner.id and entry.target_id == event.id
