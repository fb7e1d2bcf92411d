"""A partner's change to a live session waits for an organiser; the site stays as it was."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event, EventFormat
from nclw.extensions import db
from nclw.partners import session_changes
from nclw.partners.models import SessionChange, SessionChangeState
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import to_uk, utcnow
from tests.conftest import login
from tests.factories import make_edition, make_event, make_registration, make_user
from tests.partners.helpers import make_partner
from tests.partners.test_views import outbox


@pytest.fixture
def session(app):
    partner = make_partner()
    week = make_edition()
    event = make_event(
        host=partner.organisation,
        edition=week,
        format=EventFormat.ONLINE,
        title="CV clinic",
        starts_at=_in_week(week, days=2, hour=15),
    )
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITING)
    make_registration(event, status=RegistrationStatus.CANCELLED)
    organiser = make_user(Role.ORGANISER, email="reviewer@nclw.example", name="Sam Patel")
    db.session.commit()
    return partner, event, organiser


def _in_week(week, *, days: int, hour: int):
    from nclw.timezones import uk_datetime

    return uk_datetime(week.starts_on + timedelta(days=days), hour)


def _form(event, **overrides) -> dict:
    start = to_uk(event.starts_at)
    values = {
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "highlights": event.highlights,
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": to_uk(event.ends_at).strftime("%H:%M"),
        "online_url": event.online_url,
    }
    return values | overrides


def test_a_change_waits_and_the_site_is_unchanged_until_approved(app, client, session):
    partner, event, organiser = session
    login(client, partner)
    moved = (to_uk(event.starts_at) + timedelta(days=1)).date().isoformat()
    sent = client.post(
        f"/partner/sessions/{event.id}/edit",
        data=_form(event, title="CV and cover letter clinic", day=moved),
        follow_redirects=True,
    )
    assert "The session stays as it is on the site until they approve it" in sent.text
    assert "Your change is waiting for review" in sent.text
    db.session.expire_all()
    live = db.session.get(Event, event.id)
    assert live.title == "CV clinic" and live.sequence == 0
    # The public pages and the attendees' inboxes know nothing yet.
    assert "CV and cover letter clinic" not in client.get("/").text
    assert "CV and cover letter clinic" not in client.get(f"/events/{event.slug}").text
    assert outbox("event_changed") == []
    [to_review] = outbox("session_change_requested")
    assert "CV clinic -> CV and cover letter clinic" in to_review.text_body

    # The form picks up where the partner left off; sending again replaces the change.
    again = client.get(f"/partner/sessions/{event.id}/edit").text
    assert 'value="CV and cover letter clinic"' in again
    client.post(
        f"/partner/sessions/{event.id}/edit",
        data=_form(event, title="CV and cover letter clinic!", day=moved),
    )
    [change] = db.session.scalars(sa.select(SessionChange)).all()
    assert change.changes["title"] == "CV and cover letter clinic!"

    # The organiser sees it side by side and approves: now the site changes and people hear.
    reviewer = app.test_client()
    login(reviewer, organiser)
    page = reviewer.get(f"/admin/proposals/changes/{change.id}").text
    assert "CV clinic" in page and "CV and cover letter clinic!" in page
    assert "Approve the change" in page
    assert "<strong>1</strong> change to partners" in reviewer.get("/admin/").text
    approved = reviewer.post(f"/admin/proposals/changes/{change.id}/approve", follow_redirects=True)
    assert "We are emailing 2 people" in approved.text
    db.session.expire_all()
    live = db.session.get(Event, event.id)
    assert live.title == "CV and cover letter clinic!" and live.sequence == 1
    assert to_uk(live.starts_at).date().isoformat() == moved
    assert len(outbox("event_changed")) == 2
    [told] = outbox("session_change_approved")
    assert partner.email in told.to_address
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {"session_change.requested", "session_change.approved", "event.updated"} <= set(actions)
    # Decided once: a second approval is refused.
    with pytest.raises(NotAllowed, match="no longer waiting"):
        session_changes.approve_change(change, actor=organiser, now=utcnow())


def test_a_declined_change_leaves_the_session_and_tells_the_partner_why(app, session):
    partner, event, organiser = session
    change = session_changes.ask_for_change(
        event, {"summary": "Now with free pizza."}, actor=partner, now=utcnow()
    )
    with pytest.raises(InvalidInput, match="Give a reason"):
        session_changes.decline_change(change, reason=" ", actor=organiser, now=utcnow())
    session_changes.decline_change(
        change, reason="We can't promise food at online sessions.", actor=organiser, now=utcnow()
    )
    db.session.commit()
    assert event.summary != "Now with free pizza."
    [told] = outbox("session_change_declined")
    assert "We can't promise food at online sessions." in told.text_body


def test_a_date_outside_the_week_is_refused(app, session):
    partner, event, _ = session
    # Months after the week ends (a partner's 25 December, in a week that ends in October).
    later = event.starts_at + timedelta(days=100)
    with pytest.raises(InvalidInput, match="must stay within the week"):
        session_changes.ask_for_change(
            event,
            {"starts_at": later, "ends_at": later + timedelta(hours=1)},
            actor=partner,
            now=utcnow(),
        )
    assert db.session.scalars(sa.select(SessionChange)).all() == []


def test_only_the_host_asks_only_organisers_decide_and_only_its_fields(app, session):
    partner, event, organiser = session
    with pytest.raises(Forbidden):
        session_changes.ask_for_change(
            event, {"title": "Mine now"}, actor=make_partner(), now=utcnow()
        )
    with pytest.raises(Forbidden, match="Ask the organisers"):
        session_changes.ask_for_change(event, {"capacity": 500}, actor=partner, now=utcnow())
    with pytest.raises(Forbidden, match="Ask the organisers"):
        session_changes.ask_for_change(event, {"min_age": 16}, actor=partner, now=utcnow())
    change = session_changes.ask_for_change(event, {"title": "New"}, actor=partner, now=utcnow())
    with pytest.raises(Forbidden):
        session_changes.approve_change(change, actor=partner, now=utcnow())


def test_withdrawing_or_sending_nothing_different_ends_the_wait(app, client, session):
    partner, event, _ = session
    login(client, partner)
    client.post(f"/partner/sessions/{event.id}/edit", data=_form(event, title="Renamed"))
    change = db.session.scalars(sa.select(SessionChange)).one()
    withdrawn = client.post(f"/partner/sessions/{event.id}/change/withdraw", follow_redirects=True)
    assert "Your change is withdrawn" in withdrawn.text
    db.session.refresh(change)
    assert change.state == SessionChangeState.WITHDRAWN
    # Another change, then the form sent back as the site has it: nothing is left waiting.
    client.post(f"/partner/sessions/{event.id}/edit", data=_form(event, title="Renamed again"))
    same = client.post(
        f"/partner/sessions/{event.id}/edit", data=_form(event), follow_redirects=True
    )
    assert "nothing to review" in same.text
    assert session_changes.pending_change(event) is None


def test_when_the_partner_who_asked_has_left_the_organisation_hears(app, session):
    partner, event, organiser = session
    event.host.contact_email = "team@host.example"
    change = session_changes.ask_for_change(event, {"title": "New"}, actor=partner, now=utcnow())
    partner.active = False
    session_changes.decline_change(change, reason="Not now.", actor=organiser, now=utcnow())
    db.session.commit()
    [told] = outbox("session_change_declined")
    assert told.to_address == "team@host.example"


def test_the_audit_log_names_the_change_in_english_whatever_the_partners_language(app, session):
    partner, event, _organiser = session
    with force_locale("cy"):
        assert str(session_changes.LABELS["summary"]) != "Summary"  # the page is in Welsh
        session_changes.ask_for_change(
            event, {"summary": "Now with free pizza."}, actor=partner, now=utcnow()
        )
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "session_change.requested")
    ).one()
    assert entry.summary == "asked to change summary"


def test_the_emails_about_a_change_keep_the_partners_lines(app, client, session):
    partner, event, organiser = session
    login(client, partner)
    lines = "Bring a CV\nMeet a recruiter"
    client.post(f"/partner/sessions/{event.id}/edit", data=_form(event, highlights=lines))
    [to_review] = outbox("session_change_requested")
    # In the HTML part a line break shows only where the item keeps it.
    found = r"<li[^>]*><strong>What people will get:</strong>.*?</li>"
    item = re.search(found, to_review.html_body, re.S)
    assert item and 'style="white-space: pre-line;"' in item.group(0), to_review.html_body
    assert lines in item.group(0) and lines in to_review.text_body
