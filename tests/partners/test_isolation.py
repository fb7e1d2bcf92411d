"""A partner can never see or change another partner's proposals, sessions or attendees.

Every /partner route is tried, with each method it accepts, against a second partner's objects.
The list of routes comes from the app itself, so a new route is covered the day it is added.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.partners.models import Proposal
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal

# A valid-looking body for every form, so a refusal is about ownership and not about shape.
FORM = {
    "title": "Taken over",
    "summary": "Not yours.",
    "day": "2030-10-28",
    "start_time": "10:00",
    "end_time": "11:00",
    "format": "online",
    "audience": "everyone",
    "safeguarding_lead": "Mallory",
    "safeguarding_contact": "mallory@example.com",
    "staff_dbs_checked": "yes",
    "age_rule": "16+",
}


@pytest.fixture
def victims(app):
    """Partner A's objects in every state a route could touch."""
    make_user(Role.ORGANISER)
    owner = make_partner("Action for Children")
    draft = make_proposal(owner)
    submitted = make_proposal(owner, submit=True)
    event = make_event(host=owner.organisation, partner_moderates=True, qa_enabled=True)
    make_registration(
        event, first_name="Private", email="private@example.com", share_with_host=True
    )
    # A week the intruder hosts nothing in: its report is another partner's business.
    return {
        "proposal_id": [draft.id, submitted.id],
        "event_id": [event.id],
        "year": [event.edition.year],
    }


def partner_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/partner"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.rule, method))
    return routes


def test_every_partner_route_is_known(app):
    """If this fails, a route was added: the test below covers it automatically; check it."""
    rules = {rule for rule, _ in partner_routes(app)}
    assert {
        "/partner/",
        "/partner/proposals/new",
        "/partner/proposals/<int:proposal_id>",
        "/partner/proposals/<int:proposal_id>/edit",
        "/partner/proposals/<int:proposal_id>/submit",
        "/partner/sessions/<int:event_id>",
        "/partner/sessions/<int:event_id>/edit",
        "/partner/sessions/<int:event_id>/attendees.csv",
        "/partner/sessions/<int:event_id>/report",
        "/partner/sessions/<int:event_id>/report.csv",
        "/partner/reports/<int:year>",
        "/partner/reports/<int:year>.csv",
    } <= rules


def test_a_second_partner_gets_nothing(app, client, victims):
    intruder = make_partner("Luton Borough Council")
    login(client, intruder)
    proposals_before = db.session.scalars(sa.select(Proposal.state).order_by(Proposal.id)).all()
    outbox_before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    audit_before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    tried = 0
    for rule, method in partner_routes(app):
        names = re.findall(r"<(?:\w+:)?(\w+)>", rule)
        if not names:
            continue  # the partner's own lists: checked below for leaks instead
        (name,) = names
        for object_id in victims[name]:
            url = re.sub(r"<[^>]+>", str(object_id), rule)
            response = client.open(url, method=method, data=FORM)
            assert response.status_code in (403, 404), f"{method} {url} gave {response.status_code}"
            assert b"private@example.com" not in response.data
            tried += 1
    assert tried >= 10
    db.session.expire_all()
    assert db.session.scalars(sa.select(Proposal.state).order_by(Proposal.id)).all() == (
        proposals_before
    )
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == outbox_before
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_before


def test_the_second_partners_lists_show_none_of_the_first(app, client, victims):
    intruder = make_partner("Luton Borough Council")
    login(client, intruder)
    page = client.get("/partner/").get_data(as_text=True)
    assert "Interview skills with Accenture" not in page
    assert "Event " not in page
    assert "You have no sessions on the site yet" in page


@pytest.mark.parametrize("role", ["anonymous", "organiser"])
def test_only_partner_users_enter_the_partner_area(app, client, victims, role):
    if role == "organiser":
        login(client, make_user(Role.ORGANISER))
    for rule, method in partner_routes(app):
        url = re.sub(r"<[^>]+>", "1", rule)
        response = client.open(url, method=method, data=FORM)
        if role == "organiser":
            assert response.status_code == 403, url
        else:
            assert response.status_code in (302, 401), url


def test_a_second_partner_cannot_moderate_the_first_partners_questions(app, client, victims):
    """The Q&A moderation screens live in the questions area; partners reach them from here."""
    rules = [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if "<int:event_id>" in rule.rule and "questions" in rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    if not rules:
        pytest.skip("the questions area has no moderation routes in this build")
    login(client, make_partner("Luton Borough Council"))
    (event_id,) = victims["event_id"]
    for rule, method in rules:
        url = re.sub(r"<int:event_id>", str(event_id), rule)
        url = re.sub(r"<[^>]+>", "1", url)
        response = client.open(url, method=method, data={"status": "approved"})
        assert response.status_code in (403, 404), f"{method} {url} gave {response.status_code}"
