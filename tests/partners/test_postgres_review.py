"""Two organisers approving the same proposal at the same moment, on real PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role, User
from nclw.errors import NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.partners import services
from nclw.partners.models import Proposal, ProposalState
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.e2e.signup_storm import server_env
from tests.factories import make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.support.migrated import upgrade_to_heads

pytestmark = pytest.mark.postgres


def test_only_one_of_two_simultaneous_approvals_wins(postgres_database_url: str, tmp_path: Path):
    # The real migrations, not create_all: this also checks 0003_partners on PostgreSQL.
    upgrade_to_heads(server_env(postgres_database_url, tmp_path))
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        reviewers = [make_user(Role.ORGANISER).id, make_user(Role.ORGANISER).id]
        proposal_id = make_proposal(make_partner(), submit=True).id
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(reviewer_id: int) -> None:
        with app.app_context():
            proposal = db.session.get(Proposal, proposal_id)
            reviewer = db.session.get(User, reviewer_id)
            assert proposal.state == ProposalState.SUBMITTED
            barrier.wait()
            try:
                services.approve_proposal(proposal, actor=reviewer, now=utcnow())
                db.session.commit()
                outcomes.append("approved")
            except NotAllowed:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["approved", "refused"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
        assert db.session.get(Proposal, proposal_id).state == ProposalState.APPROVED
        db.session.remove()
        db.engine.dispose()
