"""Changing someone's role: who may, what it needs, and that the site keeps an organiser."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.accounts import services
from nclw.accounts.models import Role, User
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import Organisation
from nclw.extensions import db
from tests.conftest import make_test_app
from tests.factories import make_organisation, make_user

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _role_entries() -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
    )


def test_a_partner_user_becomes_an_organiser_signed_out_and_audited(app):
    organiser = make_user(email="boss@example.org")
    partner = make_user(Role.PARTNER, email="p@example.org")
    old_org = partner.organisation.name
    before = partner.session_token
    assert services.change_role(
        partner, Role.ORGANISER, organisation=None, actor=organiser, now=NOW
    )
    db.session.commit()
    db.session.refresh(partner)
    assert partner.role == Role.ORGANISER and partner.organisation_id is None
    assert partner.session_token != before
    [entry] = _role_entries()
    assert entry.actor_id == organiser.id and entry.target_id == partner.id
    assert entry.summary == f"partner ({old_org}) to organiser"  # and no email


def test_an_organiser_becomes_a_partner_user_of_an_organisation(app):
    organiser = make_user()
    other = make_user(email="other@example.org")
    catch22 = make_organisation(name="Catch22")
    services.change_role(other, Role.PARTNER, organisation=catch22, actor=organiser, now=NOW)
    db.session.commit()
    db.session.refresh(other)
    assert (other.role, other.organisation_id) == (Role.PARTNER, catch22.id)
    assert _role_entries()[0].summary == "organiser to partner (Catch22)"


def test_moving_a_partner_user_to_another_organisation_is_a_change(app):
    organiser = make_user()
    partner = make_user(Role.PARTNER)
    elsewhere = make_organisation()
    assert services.change_role(
        partner, Role.PARTNER, organisation=elsewhere, actor=organiser, now=NOW
    )
    db.session.commit()
    assert partner.organisation_id == elsewhere.id


def test_a_partner_user_must_belong_to_an_organisation(app):
    organiser = make_user()
    other = make_user()
    with pytest.raises(InvalidInput, match="Choose the organisation"):
        services.change_role(other, Role.PARTNER, organisation=None, actor=organiser, now=NOW)
    assert other.role == Role.ORGANISER and _role_entries() == []


def test_an_organiser_cannot_change_their_own_role(app):
    organiser = make_user()
    with pytest.raises(NotAllowed, match="cannot change your own role"):
        services.change_role(
            organiser, Role.PARTNER, organisation=make_organisation(), actor=organiser, now=NOW
        )
    assert organiser.role == Role.ORGANISER


@pytest.mark.parametrize("who", ["partner", "deactivated organiser"])
def test_only_an_active_organiser_can_change_roles(app, who):
    actor = make_user(Role.PARTNER) if who == "partner" else make_user(active=False)
    other = make_user(Role.PARTNER)
    with pytest.raises(Forbidden, match="Only organisers"):
        services.change_role(other, Role.ORGANISER, organisation=None, actor=actor, now=NOW)
    assert other.role == Role.PARTNER


def test_an_organiser_demoted_a_moment_ago_is_refused(app):
    """The check is made again on the locked rows, not on what this request loaded earlier."""
    actor = make_user()
    other = make_user(Role.PARTNER)
    # Another request has just made the actor a partner user; this session has not seen it.
    with db.engine.begin() as other_request:
        other_request.execute(
            sa.update(User)
            .where(User.id == actor.id)
            .values(role=Role.PARTNER, organisation_id=other.organisation_id)
        )
    assert actor.role == Role.ORGANISER
    with pytest.raises(Forbidden):
        services.change_role(other, Role.ORGANISER, organisation=None, actor=actor, now=NOW)


def test_the_same_role_changes_nothing(app):
    organiser = make_user()
    partner = make_user(Role.PARTNER)
    before = partner.session_token
    assert not services.change_role(
        partner, Role.PARTNER, organisation=partner.organisation, actor=organiser, now=NOW
    )
    assert partner.session_token == before and _role_entries() == []


def _demote_each_other(app, first_id: int, second_id: int, organisation_id: int) -> dict:
    """Two organisers each make the other a partner user at the same moment.

    The first holds its change open until the second has started; the second must wait for it.
    """
    first_changed, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def demote(actor_id: int, other_id: int, name: str) -> None:
        with app.app_context():
            actor = db.session.get(User, actor_id)
            other = db.session.get(User, other_id)
            organisation = db.session.get(Organisation, organisation_id)
            if name == "second":
                first_changed.wait(10)
            try:
                services.change_role(
                    other, Role.PARTNER, organisation=organisation, actor=actor, now=NOW
                )
            except Forbidden:
                db.session.rollback()
                outcome[name] = "refused"
            else:
                if name == "first":
                    first_changed.set()
                    release.wait(10)
                db.session.commit()
                outcome[name] = "changed"
            finally:
                db.session.remove()

    first = threading.Thread(target=demote, args=(first_id, second_id, "first"))
    second = threading.Thread(target=demote, args=(second_id, first_id, "second"))
    first.start()
    assert first_changed.wait(10)
    second.start()
    time.sleep(0.5)
    outcome["second waited"] = second.is_alive()
    release.set()
    first.join(20)
    second.join(20)
    return outcome


def _organisers() -> list[str]:
    return list(db.session.scalars(sa.select(User.email).where(User.role == Role.ORGANISER)))


def _race(app) -> None:
    a = make_user(email="a@example.org")
    b = make_user(email="b@example.org")
    organisation = make_organisation()
    db.session.commit()
    outcome = _demote_each_other(app, a.id, b.id, organisation.id)
    assert outcome == {"first": "changed", "second": "refused", "second waited": True}
    db.session.expire_all()
    assert _organisers() == ["a@example.org"]


def test_two_organisers_demoting_each_other_at_once_leave_one_organiser(app):
    _race(app)


@pytest.mark.postgres
def test_two_organisers_demoting_each_other_at_once_leave_one_organiser_postgres(
    postgres_database_url: str, tmp_path: Path
):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        try:
            _race(app)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_an_organiser_demoted_a_moment_ago_cannot_stop_others_signing_in(app):
    actor = make_user()
    other = make_user(Role.PARTNER, email="last@example.org")
    # Another request has just made the actor a partner user; this session has not seen it.
    with db.engine.begin() as other_request:
        other_request.execute(
            sa.update(User)
            .where(User.id == actor.id)
            .values(role=Role.PARTNER, organisation_id=other.organisation_id)
        )
    with pytest.raises(Forbidden):
        services.set_user_active(other, False, actor=actor, now=NOW)
    assert other.active is True
