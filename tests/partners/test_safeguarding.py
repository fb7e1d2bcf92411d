"""Safeguarding answers drive the review: refused, explained, or approved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.partners import services
from nclw.partners.models import Proposal, ProposalState
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.partners.test_views import form_data


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, email="reviewer@nclw.example", name="Sam Patel")


def test_a_draft_may_wait_for_its_safeguarding_answers_but_sending_may_not(app, client):
    partner = make_partner()
    login(client, partner)
    saved = client.post(
        "/partner/proposals/new",
        data=form_data(safeguarding_lead="", safeguarding_contact="", staff_dbs_checked="not_sure"),
    )
    assert saved.status_code == 302, saved.text
    proposal = db.session.scalars(sa.select(Proposal)).one()
    assert proposal.staff_dbs_checked is None and proposal.state == ProposalState.DRAFT
    with pytest.raises(InvalidInput, match="safeguarding lead"):
        services.submit_proposal(proposal, actor=partner, now=utcnow())
    db.session.rollback()
    services.update_proposal(
        proposal,
        {"safeguarding_lead": "Priya Shah", "safeguarding_contact": "07700 900123"},
        actor=partner,
        now=utcnow(),
    )
    db.session.commit()
    with pytest.raises(InvalidInput, match="DBS-checked"):
        services.submit_proposal(proposal, actor=partner, now=utcnow())
    db.session.rollback()
    services.update_proposal(proposal, {"staff_dbs_checked": True}, actor=partner, now=utcnow())
    services.submit_proposal(proposal, actor=partner, now=utcnow())
    assert proposal.state == ProposalState.SUBMITTED


def test_open_to_under_18s_without_dbs_checked_staff_can_never_be_approved(app, organiser):
    proposal = make_proposal(make_partner(), submit=True, min_age=16, staff_dbs_checked=False)
    assert proposal.under_18s_allowed
    with pytest.raises(NotAllowed, match="cannot be approved like this"):
        services.approve_proposal(
            proposal, actor=organiser, now=utcnow(), safeguarding_note="It is fine, honestly."
        )
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.SUBMITTED
    assert db.session.scalars(sa.select(Event)).all() == []


def test_a_no_needs_the_reviewers_reason_which_is_kept(app, organiser):
    # After-work drinks in a pub: adults only, staff not DBS-checked.
    proposal = make_proposal(
        make_partner(),
        submit=True,
        title="After-work drinks",
        min_age=18,
        staff_dbs_checked=False,
    )
    with pytest.raises(InvalidInput, match="Not all staff at the session are DBS-checked"):
        services.approve_proposal(proposal, actor=organiser, now=utcnow())
    db.session.rollback()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state == ProposalState.SUBMITTED
    event = services.approve_proposal(
        proposal,
        actor=organiser,
        now=utcnow(),
        safeguarding_note="Adults only, in a public place; our own staff host it.",
    )
    db.session.commit()
    assert proposal.safeguarding_note == "Adults only, in a public place; our own staff host it."
    # The published event keeps the age rule, so its page says so and sign-up asks.
    assert (event.min_age, event.age_question) == (18, "Are you 18 or over?")
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "proposal.approved")
    ).all()
    assert "Not all staff at the session are DBS-checked." in entry.summary
    assert "our own staff host it" in entry.summary


def test_all_yes_is_approved_in_one_step(app, organiser):
    proposal = make_proposal(make_partner(), submit=True, min_age=16, staff_dbs_checked=True)
    assert services.safeguarding_concerns(proposal) == []
    services.approve_proposal(proposal, actor=organiser, now=utcnow())
    assert proposal.state == ProposalState.APPROVED


def test_the_review_page_shows_the_answers_and_enforces_them(app, client, organiser):
    refused = make_proposal(make_partner(), submit=True, min_age=16, staff_dbs_checked=False)
    explained = make_proposal(make_partner(), submit=True, min_age=18, staff_dbs_checked=False)
    login(client, organiser)

    page = client.get(f"/admin/proposals/{refused.id}").text
    assert "This session cannot be approved." in page
    assert "Approve and publish" not in page
    assert client.post(f"/admin/proposals/{refused.id}/approve").status_code == 400

    page = client.get(f"/admin/proposals/{explained.id}").text
    assert "Check before approving" in page and "Why is this acceptable?" in page
    assert "18 and over (no under-18s)" in page
    unexplained = client.post(f"/admin/proposals/{explained.id}/approve")
    assert unexplained.status_code == 400
    assert "Write why this session is still safe" in unexplained.text
    approved = client.post(
        f"/admin/proposals/{explained.id}/approve",
        data={"safeguarding_note": "Adults only; a public venue."},
    )
    assert approved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, explained.id).state == ProposalState.APPROVED
    assert "Adults only; a public venue." in client.get(f"/admin/proposals/{explained.id}").text
