"""Partners write Welsh text for their sessions under the organisers' rules, and a change to it
goes to review like any other change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from nclw.errors import InvalidInput
from nclw.events.details import TEXT_LIMITS
from nclw.events.models import Event
from nclw.extensions import db
from nclw.partners import services
from nclw.partners.compare import compare_versions
from nclw.partners.models import Proposal, SessionChange, SessionChangeState
from tests.conftest import login
from tests.factories import make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.partners.test_session_changes import _form, session  # noqa: F401  (a fixture)
from tests.partners.test_views import form_data, outbox

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["title_cy", "summary_cy", "description_cy"])
def test_a_proposal_holds_welsh_text_to_the_organisers_limits(app, name):
    partner = make_partner()
    with pytest.raises(InvalidInput, match=f"{TEXT_LIMITS[name]:,} characters or fewer"):
        make_proposal(partner, **{name: "a" * (TEXT_LIMITS[name] + 1)})
    proposal = make_proposal(partner, **{name: "a" * TEXT_LIMITS[name]})
    assert len(getattr(proposal, name)) == TEXT_LIMITS[name]


def test_the_proposal_form_offers_welsh_text_and_says_when_it_is_too_long(app, client):
    login(client, make_partner())
    form = client.get("/partner/proposals/new").text
    assert "Welsh (Cymraeg)" in form and "Session name in Welsh (optional)" in form
    refused = client.post(
        "/partner/proposals/new", data=form_data(summary_cy="a" * (TEXT_LIMITS["summary_cy"] + 1))
    )
    assert refused.status_code == 400
    assert "The Welsh summary must be 300 characters or fewer" in refused.text
    saved = client.post("/partner/proposals/new", data=form_data(title_cy=" Clinig CV "))
    assert saved.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert (proposal.title_cy, proposal.summary_cy) == ("Clinig CV", "")
    assert 'value="Clinig CV"' in client.get(f"/partner/proposals/{proposal.id}/edit").text


def test_reviewers_see_a_change_to_the_welsh_text_and_approval_copies_it(app):
    organiser = make_user(email="ada@nclw.example")
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    services.request_changes(proposal, comments="Add Welsh, please.", actor=organiser, now=NOW)
    services.update_proposal(proposal, {"title_cy": "Sgiliau cyfweliad"}, actor=partner, now=NOW)
    services.submit_proposal(proposal, actor=partner, now=NOW)
    [changed] = [row for row in compare_versions(proposal).rows if row.changed]
    assert (changed.label, changed.earlier, changed.current) == (
        "Session name in Welsh",
        "Not given",
        "Sgiliau cyfweliad",
    )
    event = services.approve_proposal(proposal, actor=organiser, now=NOW)
    assert event.title_cy == "Sgiliau cyfweliad"


def test_a_version_saved_before_welsh_text_is_not_shown_as_changed(app):
    organiser = make_user(email="ada@nclw.example")
    partner = make_partner()
    proposal = make_proposal(partner, submit=True)
    services.request_changes(proposal, comments="More places?", actor=organiser, now=NOW)
    services.update_proposal(proposal, {"capacity": 12}, actor=partner, now=NOW)
    services.submit_proposal(proposal, actor=partner, now=NOW)
    old = proposal.versions[0]
    old.snapshot = {k: v for k, v in old.snapshot.items() if not k.endswith("_cy")}
    changed = [row.field for row in compare_versions(proposal).rows if row.changed]
    assert changed == ["capacity"]


def test_a_change_to_only_the_welsh_summary_of_a_live_session_goes_to_review(
    app,
    client,
    session,  # noqa: F811
):
    partner, event, _ = session
    login(client, partner)
    sent = client.post(
        f"/partner/sessions/{event.id}/edit",
        data=_form(event, summary_cy="Dewch â'ch CV.", title_cy="", description_cy=""),
        follow_redirects=True,
    )
    assert "Your change is waiting for review" in sent.text
    [change] = db.session.scalars(sa.select(SessionChange)).all()
    assert change.state == SessionChangeState.PENDING
    assert change.changes == {"summary_cy": "Dewch â'ch CV."}
    db.session.expire_all()
    assert db.session.get(Event, event.id).summary_cy == ""
    [to_review] = outbox("session_change_requested")
    assert "Summary in Welsh" in to_review.text_body
    # The Welsh page still shows what the site said.
    assert "Dewch" not in client.get(f"/cy/events/{event.slug}").text


def test_the_session_form_shows_the_welsh_text_the_site_has(
    app,
    client,
    session,  # noqa: F811
):
    partner, event, _ = session
    event.title_cy = "Clinig CV"
    db.session.commit()
    login(client, partner)
    page = client.get(f"/partner/sessions/{event.id}/edit").text
    assert "Welsh (Cymraeg)" in page and 'value="Clinig CV"' in page
    # Sending it unchanged asks for nothing.
    client.post(f"/partner/sessions/{event.id}/edit", data=_form(event, title_cy="Clinig CV"))
    assert db.session.scalars(sa.select(SessionChange)).all() == []
