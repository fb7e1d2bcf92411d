"""Organisers rename host organisations and merge one entered twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts import invitations
from nclw.accounts.models import AccountToken, Role
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput
from nclw.events import services as events
from nclw.events.models import Organisation, OrganisationKind
from nclw.extensions import db
from nclw.partners.models import Proposal
from nclw.partners.organisations import WhatMoves, merge_organisations, what_a_merge_moves
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_organisation, make_user
from tests.partners.helpers import make_proposal
from tests.support.html_validation import html_errors_many


def test_a_name_is_tidied_and_never_taken_twice(app):
    catch22 = make_organisation(name="Catch22")
    luton = make_organisation(name="Luton Council")
    events.rename_organisation(luton, "  Luton   Borough Council ", actor=None, now=utcnow())
    assert luton.name == "Luton Borough Council"
    with pytest.raises(InvalidInput, match="already an organisation with that name"):
        events.rename_organisation(luton, "CATCH22", actor=None, now=utcnow())
    events.rename_organisation(catch22, "catch22", actor=None, now=utcnow())  # its own name
    assert catch22.name == "catch22"


def test_merging_moves_events_people_invitations_and_proposals_then_removes_the_copy(app):
    keep = make_organisation(name="Catch22", is_partner=False)
    copy = make_organisation(name="Catch 22", is_partner=True)
    event = make_event(host=copy)
    partner = make_user(Role.PARTNER, organisation=copy)
    organiser = make_user()
    invitations.invite_user(
        "new@example.org", role=Role.PARTNER, organisation=copy, actor=organiser, now=utcnow()
    )
    proposal = make_proposal(partner)
    copy_id = copy.id
    invitations.invite_user(
        "late@example.org", role=Role.PARTNER, organisation=copy, actor=organiser, now=utcnow()
    )
    # An invitation past its time is not counted as moving: nobody can use it.
    late = db.session.scalar(
        sa.select(AccountToken).where(AccountToken.email == "late@example.org")
    )
    late.expires_at = utcnow() - timedelta(minutes=1)
    assert what_a_merge_moves(copy, now=utcnow()) == WhatMoves(
        events=1, partner_users=1, invitations=1, proposals=1
    )

    merge_organisations(copy, keep, actor=organiser, now=utcnow())
    db.session.commit()

    assert db.session.get(Organisation, copy_id) is None
    assert db.session.get(type(event), event.id).host_id == keep.id
    assert db.session.get(type(partner), partner.id).organisation_id == keep.id
    assert db.session.scalar(sa.select(AccountToken.organisation_id)) == keep.id
    assert db.session.get(Proposal, proposal.id).organisation_id == keep.id
    assert keep.is_partner  # a partner's users still propose sessions
    merged = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.merged")
    )
    assert merged.summary == "Catch 22 into Catch22"
    with pytest.raises(InvalidInput, match="Choose another organisation"):
        merge_organisations(keep, keep, actor=organiser, now=utcnow())


def test_the_organisation_pages_rename_and_merge(app, client):
    keep = make_organisation(name="Catch22", kind=OrganisationKind.CHARITY)
    copy = make_organisation(name="Catch 22")
    make_event(host=copy, title="Benchmarking forum")
    make_user(Role.PARTNER, organisation=copy, email="sam@catch22.example")
    login(client, make_user())

    listing = client.get("/admin/organisations")
    page = client.get(f"/admin/organisations/{copy.id}")
    assert "Benchmarking forum" in page.text and "sam@catch22.example" in page.text

    taken = client.post(f"/admin/organisations/{copy.id}", data={"name": "catch22"})
    assert taken.status_code == 400
    assert "There is already an organisation with that name." in taken.text
    unchosen = client.post(f"/admin/organisations/{copy.id}/merge", data={"into_id": "0"})
    assert unchosen.status_code == 400 and "Choose the organisation to keep" in unchosen.text

    # First the organiser sees what would move, and nothing has moved yet.
    asked = client.post(f"/admin/organisations/{copy.id}/merge", data={"into_id": str(keep.id)})
    assert asked.status_code == 200
    assert "Merge Catch 22 into Catch22?" in asked.text
    assert "1 event<" in asked.text and "1 partner user<" in asked.text
    assert "0 proposals" in asked.text and "cannot be undone" in asked.text
    assert db.session.get(Organisation, copy.id) is not None
    merged = client.post(
        f"/admin/organisations/{copy.id}/merge",
        data={"into_id": str(keep.id), "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "Catch 22 is merged into Catch22." in merged.text
    assert "Benchmarking forum" in merged.text and "sam@catch22.example" in merged.text
    assert client.get(f"/admin/organisations/{copy.id}").status_code == 404
    pages = {
        "list": listing.text,
        "page": page.text,
        "taken": taken.text,
        "asked": asked.text,
        "merged": merged.text,
    }
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_only_organisers_rename_or_merge(app, client):
    organisation = make_organisation(name="Catch22")
    login(client, make_user(Role.PARTNER, organisation=organisation))
    assert client.get("/admin/organisations").status_code == 403
    assert (
        client.post(f"/admin/organisations/{organisation.id}", data={"name": "X"}).status_code
        == 403
    )
    assert db.session.get(Organisation, organisation.id).name == "Catch22"
