"""One-time links end: used, withdrawn, outlived by their inviter, or forgotten once sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts import email_links, invitations, services
from nclw.accounts.models import AccountToken, Role, TokenPurpose
from nclw.audit.models import AuditEntry
from nclw.backoffice.audit_lines import audit_lines
from nclw.errors import Forbidden, NotAllowed
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_organisation, make_user
from tests.mail.helpers import outbox_rows

NOW = utcnow().replace(microsecond=0)


def _invite(organiser, email="new@example.org") -> str:
    raw = invitations.invite_user(
        email, role=Role.ORGANISER, organisation=None, actor=organiser, now=NOW
    )
    db.session.commit()
    return raw


def _everything_in_the_outbox() -> str:
    rows = db.session.execute(sa.select(OutboxMessage.__table__)).all()
    return "\n".join(str(value) for row in rows for value in row)


def test_once_sent_no_copy_of_the_database_holds_a_working_invitation_or_reset_link(app):
    organiser = make_user(email="boss@example.org")
    invitation = _invite(organiser)
    email_links.request_password_reset("boss@example.org", now=NOW)
    db.session.commit()
    assert invitation in _everything_in_the_outbox()  # needed until it goes

    assert send_pending().sent == 2

    everything = _everything_in_the_outbox()
    assert invitation not in everything
    assert "/account/reset/" not in everything and "/account/invite/" not in everything
    # The mail log still says what went, to whom and when.
    assert {(r.kind, r.to_address, r.status) for r in outbox_rows()} == {
        ("account_invite", "new@example.org", MessageStatus.SENT),
        ("password_reset", "boss@example.org", MessageStatus.SENT),
    }
    assert all(r.subject and r.sent_at for r in outbox_rows())
    # The link itself still works for the person who got it.
    assert invitations.accept_invite(invitation, name="New", password="purple tractor", now=NOW)


def test_a_message_that_failed_keeps_its_words_to_be_sent_again(app):
    organiser = make_user()
    invitation = _invite(organiser)
    row = outbox_rows()[0]
    row.status = MessageStatus.FAILED
    db.session.commit()

    assert invitation in outbox_rows()[0].text_body


def test_an_organiser_can_withdraw_an_invitation_and_the_link_stops_working(app):
    organiser = make_user()
    raw = _invite(organiser)
    [token] = invitations.pending_invitations(now=NOW)

    invitations.withdraw_invitation(token, actor=organiser, now=NOW)
    db.session.commit()

    assert invitations.pending_invitations(now=NOW) == []
    with pytest.raises(NotAllowed, match="withdrawn"):
        invitations.accept_invite(raw, name="Too late", password="purple tractor", now=NOW)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "invitation.withdrawn")
    )
    # The address stays on the invitation, not in the log, which outlives it.
    assert entry is not None and "new@example.org" not in entry.summary
    [line] = audit_lines([entry])
    assert line.sentence.endswith("withdrew the invitation sent to new@example.org.")
    with pytest.raises(NotAllowed):
        invitations.withdraw_invitation(token, actor=organiser, now=NOW + timedelta(seconds=1))


def test_only_an_organiser_can_withdraw_an_invitation(app):
    organiser = make_user()
    partner = make_user(Role.PARTNER, organisation=make_organisation())
    _invite(organiser)
    [token] = invitations.pending_invitations(now=NOW)

    with pytest.raises(Forbidden):
        invitations.withdraw_invitation(token, actor=partner, now=NOW)


def test_invitations_die_with_their_inviter_deactivated_or_no_longer_an_organiser(app):
    boss = make_user(email="boss@example.org")
    leaving = make_user(email="leaving@example.org")
    demoted = make_user(email="demoted@example.org")
    from_leaving = _invite(leaving, "one@example.org")
    from_demoted = _invite(demoted, "two@example.org")
    from_boss = _invite(boss, "three@example.org")

    services.set_user_active(leaving, False, actor=boss, now=NOW)
    services.change_role(
        demoted, Role.PARTNER, organisation=make_organisation(), actor=boss, now=NOW
    )
    db.session.commit()

    assert [t.email for t in invitations.pending_invitations(now=NOW)] == ["three@example.org"]
    for raw in (from_leaving, from_demoted):
        with pytest.raises(NotAllowed):
            invitations.accept_invite(raw, name="X", password="purple tractor", now=NOW)
    assert invitations.accept_invite(from_boss, name="Y", password="purple tractor", now=NOW)


def test_an_invitation_from_someone_deactivated_by_hand_in_the_database_still_fails(app):
    # Belt and braces: the link is checked against its inviter when it is used, too.
    inviter = make_user(email="inviter@example.org")
    raw = _invite(inviter)
    inviter.active = False
    db.session.commit()

    with pytest.raises(NotAllowed):
        invitations.accept_invite(raw, name="X", password="purple tractor", now=NOW)
    assert db.session.scalar(sa.select(AccountToken.used_at)) is None
    assert services.find_valid_token(raw, TokenPurpose.INVITE, now=NOW) is not None
    assert invitations.usable_invitation(raw, now=NOW) is None


def test_the_people_page_withdraws_an_invitation(app, client):
    organiser = make_user(email="boss@example.org")
    raw = _invite(organiser)
    [token] = invitations.pending_invitations(now=NOW)
    login(client, organiser)

    page = client.get("/admin/people")
    assert f"/admin/people/invitations/{token.id}/withdraw" in page.text
    response = client.post(f"/admin/people/invitations/{token.id}/withdraw", follow_redirects=True)

    assert response.status_code == 200
    assert "The invitation to new@example.org no longer works." in response.text
    assert client.get(f"/account/invite/{raw}").status_code == 404
    assert invitations.pending_invitations(now=utcnow()) == []
