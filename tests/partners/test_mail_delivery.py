"""Each step of a proposal reaches the other side through the outbox and a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.partners import services
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.support.smtp import SmtpSink

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp_app(tmp_path: Path, smtp_server: SmtpSink) -> Iterator[Flask]:
    app = make_test_app(tmp_path, **smtp_server.app_config())
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_every_step_is_delivered_to_the_other_side(smtp_app, smtp_server: SmtpSink):
    reviewer = make_user(Role.ORGANISER, email="reviewer@nclw.example")
    make_user(Role.ORGANISER, email="second@nclw.example")
    partner = make_partner("Action for Children", email="lead@afc.example")

    proposal = make_proposal(partner, submit=True)
    assert send_pending().sent == 2
    submitted = smtp_server.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in submitted) == [
        "reviewer@nclw.example",
        "second@nclw.example",
    ]
    assert "Action for Children" in submitted[0].message["Subject"]
    assert f"http://nclw.test/admin/proposals/{proposal.id}" in submitted[0].text()
    assert "Sam Lead" in submitted[0].html()

    services.request_changes(proposal, comments="Add a quiet room.", actor=reviewer, now=NOW)
    db.session.commit()
    services.submit_proposal(proposal, actor=partner, now=NOW)
    db.session.commit()
    services.approve_proposal(proposal, actor=reviewer, now=NOW)
    db.session.commit()
    assert send_pending().sent == 4
    received = smtp_server.wait_for(6)[2:]
    to_partner = [r for r in received if r.rcpt_tos == ["lead@afc.example"]]
    assert [r.message["Subject"].split(":")[0] for r in to_partner] == [
        "Changes needed",
        "Approved and published",
    ]
    assert "Add a quiet room." in to_partner[0].text()
    assert f"/events/{proposal.event.slug}" in to_partner[1].text()
    again = [r for r in received if r.rcpt_tos != ["lead@afc.example"]]
    assert all("(changed)" in r.message["Subject"] for r in again)
