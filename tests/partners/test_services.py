"""The proposal rules: states, versions, emails, audit, ownership, attendee privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Event, EventStatus
from nclw.events.services import current_edition, published_events
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.partners import queries, services
from nclw.partners.compare import compare_versions
from nclw.partners.models import ProposalState
from nclw.registrations.models import RegistrationStatus
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal, proposal_values

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def organisers(app):
    first = make_user(Role.ORGANISER, email="ada@nclw.example")
    second = make_user(Role.ORGANISER, email="bo@nclw.example")
    make_user(Role.ORGANISER, email="gone@nclw.example", active=False)
    return first, second


def test_draft_then_submit_emails_every_active_organiser_and_keeps_a_version(app, organisers):
    partner = make_partner("Accenture")
    proposal = services.create_proposal(proposal_values(), actor=partner, now=NOW)
    assert proposal.state == ProposalState.DRAFT
    assert queries.proposals_awaiting_review_count() == 0
    assert outbox() == []

    version = services.submit_proposal(proposal, actor=partner, now=NOW)
    db.session.commit()

    assert proposal.state == ProposalState.SUBMITTED
    assert version.number == 1
    assert version.snapshot["title"] == "Interview skills with Accenture"
    assert version.snapshot["safeguarding_lead"] == "Sam Lead"
    assert queries.proposals_awaiting_review_count() == 1
    sent = outbox()
    assert sorted(m.to_address for m in sent) == ["ada@nclw.example", "bo@nclw.example"]
    assert all(m.kind == "proposal_submitted" for m in sent)
    assert "Accenture" in sent[0].subject
    assert "Sam Lead" in sent[0].text_body
    assert f"/admin/proposals/{proposal.id}" in sent[0].text_body
    assert actions() == ["proposal.created", "proposal.submitted"]


def test_changes_requested_then_resubmitted_makes_a_new_version(app, organisers):
    reviewer = organisers[0]
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    before = len(outbox())

    services.request_changes(
        proposal, comments="Please add a second DBS-checked host.", actor=reviewer, now=NOW
    )
    db.session.commit()
    assert proposal.state == ProposalState.CHANGES_REQUESTED
    to_partner = outbox()[before:]
    assert [m.to_address for m in to_partner] == [partner.email]
    assert "second DBS-checked host" in to_partner[0].text_body

    services.update_proposal(proposal, {"capacity": 12}, actor=partner, now=NOW)
    services.submit_proposal(proposal, actor=partner, now=NOW)
    db.session.commit()
    assert [v.number for v in proposal.versions] == [1, 2]
    assert proposal.versions[0].snapshot["capacity"] == 20
    assert proposal.versions[0].reviewer_comments == "Please add a second DBS-checked host."
    assert proposal.versions[1].snapshot["capacity"] == 12

    comparison = compare_versions(proposal)
    changed = [row.field for row in comparison.rows if row.changed]
    assert changed == ["capacity"]
    assert comparison.earlier.number == 1 and comparison.current.number == 2
    assert "proposal.changes_requested" in actions()


def test_approve_publishes_an_event_hosted_by_the_partner(app, organisers):
    partner = make_partner("Catch22")
    proposal = make_proposal(partner, submit=True)

    event = services.approve_proposal(proposal, actor=organisers[0], now=NOW)
    db.session.commit()

    assert proposal.state == ProposalState.APPROVED
    assert event.status == EventStatus.PUBLISHED
    assert event.host.name == "Catch22"
    assert event.title == proposal.title and event.capacity == 20
    assert event.starts_at == proposal.starts_at
    edition = current_edition(today=proposal.starts_at.date())
    assert event in published_events(edition)
    last = outbox()[-1]
    assert last.to_address == partner.email and last.kind == "proposal_approved"
    assert f"/events/{event.slug}" in last.text_body
    # Through the same doors as an organiser's own event: created, then published.
    assert actions()[-3:] == ["event.created", "event.published", "proposal.approved"]


def test_approving_holds_the_proposal_to_every_create_and_publish_rule(app, organisers):
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    # Its time passed while it waited for review: publishing would put a past event on the week.
    later = proposal.ends_at + timedelta(minutes=1)
    with pytest.raises(InvalidInput, match="already happened"):
        services.approve_proposal(proposal, actor=organisers[0], now=later)
    db.session.rollback()
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_a_proposal_and_an_event_share_one_slug_rule(app, organisers):
    partner = make_partner()
    first = make_proposal(partner, submit=True, title="Mock interviews!")
    second = make_proposal(partner, submit=True, title="Mock interviews?")
    slugs = [
        services.approve_proposal(p, actor=organisers[0], now=NOW).slug for p in (first, second)
    ]
    assert slugs == ["mock-interviews", "mock-interviews-2"]


def test_decline_needs_a_reason_and_tells_the_partner(app, organisers):
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    with pytest.raises(InvalidInput):
        services.decline_proposal(proposal, reason="  ", actor=organisers[0], now=NOW)
    services.decline_proposal(
        proposal, reason="It clashes with the opening event.", actor=organisers[0], now=NOW
    )
    db.session.commit()
    assert proposal.state == ProposalState.DECLINED
    assert outbox()[-1].to_address == partner.email
    assert "clashes with the opening event" in outbox()[-1].text_body
    assert actions()[-1] == "proposal.declined"


@pytest.mark.parametrize(
    ("state_steps", "action"),
    [
        ([], "approve"),  # draft cannot be approved
        ([], "decline"),
        ([], "request_changes"),
        (["submit"], "submit"),  # already submitted
        (["submit", "approve"], "approve"),
        (["submit", "approve"], "submit"),
        (["submit", "approve"], "decline"),
        (["submit", "decline"], "approve"),
        (["submit", "decline"], "submit"),
        (["submit", "request_changes"], "approve"),
        (["submit", "request_changes"], "decline"),
    ],
)
def test_illegal_transitions_are_refused(app, organisers, state_steps, action):
    reviewer = organisers[0]
    partner = make_partner()
    proposal = make_proposal(partner)
    steps = {
        "submit": lambda: services.submit_proposal(proposal, actor=partner, now=NOW),
        "approve": lambda: services.approve_proposal(proposal, actor=reviewer, now=NOW),
        "decline": lambda: services.decline_proposal(
            proposal, reason="No", actor=reviewer, now=NOW
        ),
        "request_changes": lambda: services.request_changes(
            proposal, comments="Change it", actor=reviewer, now=NOW
        ),
    }
    for step in state_steps:
        steps[step]()
    db.session.commit()
    state_before = proposal.state
    with pytest.raises(NotAllowed):
        steps[action]()
    db.session.rollback()
    assert proposal.state == state_before


def test_submitted_and_decided_proposals_cannot_be_edited(app, organisers):
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    with pytest.raises(NotAllowed):
        services.update_proposal(proposal, {"title": "Sneaky"}, actor=partner, now=NOW)


def test_a_stale_copy_cannot_approve_twice(app, organisers):
    """Two reviewers acting at once: the guarded update lets only one through."""
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    # Another request approves it behind this one's back; our copy still says "submitted".
    with db.engine.begin() as other_request:
        other_request.execute(
            sa.text("UPDATE proposals SET state = 'approved' WHERE id = :id"), {"id": proposal.id}
        )
    assert proposal.state == ProposalState.SUBMITTED
    with pytest.raises(NotAllowed):
        services.approve_proposal(proposal, actor=organisers[1], now=NOW)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("events"))) == 0


def test_only_the_right_people_act(app, organisers):
    partner = make_partner()
    other = make_partner()
    proposal = make_proposal(partner)
    with pytest.raises(Forbidden):
        services.update_proposal(proposal, {"title": "Mine now"}, actor=other, now=NOW)
    with pytest.raises(Forbidden):
        services.submit_proposal(proposal, actor=other, now=NOW)
    services.submit_proposal(proposal, actor=partner, now=NOW)
    with pytest.raises(Forbidden):
        services.approve_proposal(proposal, actor=partner, now=NOW)
    with pytest.raises(Forbidden):
        services.create_proposal(proposal_values(), actor=organisers[0], now=NOW)
    assert queries.get_own_proposal(proposal.id, actor=other) is None
    assert queries.get_own_proposal(proposal.id, actor=partner) is proposal


def test_rules_the_form_cannot_see(app):
    partner = make_partner()
    values = proposal_values()
    with pytest.raises(InvalidInput):
        services.create_proposal(values | {"ends_at": values["starts_at"]}, actor=partner, now=NOW)
    with pytest.raises(InvalidInput):
        services.create_proposal(
            values | {"format": "in_person", "venue_name": None}, actor=partner, now=NOW
        )


def test_attendee_details_only_for_those_who_shared(app):
    partner = make_partner()
    event = make_event(host=partner.organisation, capacity=3)
    sharer = make_registration(event, share_with_host=True, first_name="Jo")
    make_registration(event, share_with_host=False)
    make_registration(event, share_with_host=True, status=RegistrationStatus.CANCELLED)
    make_registration(event, share_with_host=True, anonymised_at=NOW)
    waiting = make_registration(event, share_with_host=True, status=RegistrationStatus.WAITING)

    shown = services.shared_attendees(event, actor=partner)
    assert [r.id for r in shown] == sorted(
        [sharer.id, waiting.id], key=[sharer.id, waiting.id].index
    )
    assert {r.id for r in shown} == {sharer.id, waiting.id}

    (summary,) = queries.sessions_for_organisation(partner.organisation_id)
    assert (summary.confirmed, summary.waiting, summary.sharing) == (3, 1, 2)

    with pytest.raises(Forbidden):
        services.shared_attendees(event, actor=make_partner())


def test_a_partners_download_of_names_and_emails_is_audited(app):
    partner = make_partner()
    event = make_event(host=partner.organisation, capacity=3)
    make_registration(event, share_with_host=True, first_name="Jo", email="jo@example.com")
    make_registration(event, share_with_host=False, first_name="Kept", email="kept@example.com")

    body = services.download_shared_attendees(event, actor=partner, now=NOW)
    assert b"jo@example.com" in body and b"kept@example.com" not in body
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.downloaded"))
    assert (entry.actor_id, entry.target_type, entry.target_id) == (partner.id, "Event", event.id)
    assert entry.summary.endswith("columns: first_name, email, status; 1 person")
    assert "jo@example.com" not in entry.summary

    with pytest.raises(Forbidden):
        services.download_shared_attendees(event, actor=make_partner(), now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1
