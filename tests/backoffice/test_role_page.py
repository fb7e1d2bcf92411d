"""The back-office page for changing someone's role: ask, confirm, change, audit."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.extensions import db
from tests.conftest import login, make_test_app
from tests.factories import make_organisation, make_user


def _role_entries() -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
    )


def test_the_people_list_links_to_changing_each_role_but_your_own(organiser_client, week):
    page = organiser_client.get("/admin/people").get_data(as_text=True)
    assert f'href="/admin/people/{week.partner.id}/role"' in page
    assert f'href="/admin/people/{week.organiser.id}/role"' not in page


def test_make_a_partner_user_an_organiser_after_confirming(app, organiser_client, week):
    partner_client = app.test_client()
    login(partner_client, week.partner)
    assert partner_client.get("/partner/").status_code == 200
    url = f"/admin/people/{week.partner.id}/role"
    form = organiser_client.get(url)
    assert form.status_code == 200
    assert re.search(r'<option selected value="partner">', form.get_data(as_text=True))

    ask = organiser_client.post(url, data={"role": "organiser", "organisation_id": "0"})
    assert ask.status_code == 200
    assert b"Make User" in ask.data and b"an organiser?" in ask.data
    assert b'name="confirmed" value="yes"' in ask.data
    db.session.refresh(week.partner)
    assert week.partner.role == Role.PARTNER and _role_entries() == []  # nothing yet

    done = organiser_client.post(
        url, data={"role": "organiser", "organisation_id": "0", "confirmed": "yes"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/admin/people"
    db.session.refresh(week.partner)
    assert week.partner.role == Role.ORGANISER and week.partner.organisation_id is None
    [entry] = _role_entries()
    assert entry.actor_id == week.organiser.id and entry.target_id == week.partner.id
    people = organiser_client.get("/admin/people").get_data(as_text=True)
    assert "partner@example.org is now an organiser" in people
    # Their old session ended: the new role applies from their next sign-in.
    assert partner_client.get("/partner/").status_code == 302


def test_make_an_organiser_a_partner_user_of_an_organisation(organiser_client, week):
    other = make_user(email="other@example.org")
    catch22 = make_organisation(name="Catch22")
    db.session.commit()
    url = f"/admin/people/{other.id}/role"
    data = {"role": "partner", "organisation_id": str(catch22.id)}
    ask = organiser_client.post(url, data=data)
    assert b"a partner user for Catch22?" in ask.data and b"lose the back office" in ask.data
    done = organiser_client.post(url, data={**data, "confirmed": "yes"}, follow_redirects=True)
    assert b"other@example.org is now a partner user for Catch22" in done.data
    db.session.refresh(other)
    assert (other.role, other.organisation_id) == (Role.PARTNER, catch22.id)


def test_a_partner_user_needs_an_organisation(organiser_client, week):
    other = make_user(email="other@example.org")
    response = organiser_client.post(
        f"/admin/people/{other.id}/role",
        data={"role": "partner", "organisation_id": "0", "confirmed": "yes"},
    )
    assert response.status_code == 400
    assert b"Choose the organisation this partner user belongs to" in response.data
    db.session.refresh(other)
    assert other.role == Role.ORGANISER and _role_entries() == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin", "organisation_id": "0"},
        {"role": "", "organisation_id": "0"},
        {"role": "partner", "organisation_id": "abc"},
        {"role": "partner", "organisation_id": "99999"},
    ],
)
def test_bad_input_is_refused_with_a_message(organiser_client, week, data):
    response = organiser_client.post(
        f"/admin/people/{week.partner.id}/role", data={**data, "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert b"There is a problem" in response.data
    assert b"Not a valid" not in response.data  # WTForms' words, not ours
    db.session.refresh(week.partner)
    assert week.partner.role == Role.PARTNER and _role_entries() == []


def test_a_role_the_list_did_not_offer_says_to_choose_from_the_list(organiser_client, week):
    response = organiser_client.post(
        f"/admin/people/{week.partner.id}/role",
        data={"role": "admin", "organisation_id": "0", "confirmed": "yes"},
    )
    assert response.status_code == 400
    assert b"Choose one of the options in the list" in response.data


def test_an_unknown_person_is_404(organiser_client, week):
    assert organiser_client.get("/admin/people/99999/role").status_code == 404


def test_you_cannot_change_your_own_role(organiser_client, week):
    url = f"/admin/people/{week.organiser.id}/role"
    page = organiser_client.get(url)
    assert b"You cannot change your own role" in page.data and b"Continue" not in page.data
    refused = organiser_client.post(
        url,
        data={
            "role": "partner",
            "organisation_id": str(week.partner.organisation_id),
            "confirmed": "yes",
        },
    )
    assert refused.status_code == 400 and b"You cannot change your own role" in refused.data
    db.session.refresh(week.organiser)
    assert week.organiser.role == Role.ORGANISER


def test_choosing_the_same_role_changes_nothing(organiser_client, week):
    before = week.partner.session_token
    response = organiser_client.post(
        f"/admin/people/{week.partner.id}/role",
        data={"role": "partner", "organisation_id": str(week.partner.organisation_id)},
        follow_redirects=True,
    )
    assert b"Nothing changed: partner@example.org is already a partner user" in response.data
    db.session.refresh(week.partner)
    assert week.partner.session_token == before and _role_entries() == []


def test_partners_cannot_change_roles(client, week):
    login(client, week.partner)
    url = f"/admin/people/{week.organiser.id}/role"
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        data={
            "role": "partner",
            "organisation_id": str(week.partner.organisation_id),
            "confirmed": "yes",
        },
    )
    assert response.status_code == 403
    db.session.refresh(week.organiser)
    assert week.organiser.role == Role.ORGANISER


def test_changing_a_role_needs_the_forms_csrf_token(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        organiser = make_user()
        partner = make_user(Role.PARTNER)
        client = app.test_client()
        login(client, organiser)
        url = f"/admin/people/{partner.id}/role"
        page = client.get(url).get_data(as_text=True)
        assert 'name="csrf_token"' in page
        response = client.post(
            url, data={"role": "organiser", "organisation_id": "0", "confirmed": "yes"}
        )
        assert response.status_code == 400
        db.session.refresh(partner)
        assert partner.role == Role.PARTNER
        db.session.remove()
        db.engine.dispose()
