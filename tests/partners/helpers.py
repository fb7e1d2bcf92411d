"""Builders for proposal tests."""

from __future__ import annotations

from datetime import date, timedelta

from nclw.accounts.models import Role
from nclw.events.models import Audience, EventFormat
from nclw.extensions import db
from nclw.partners import services
from nclw.partners.models import Proposal
from nclw.timezones import uk_datetime, utcnow
from tests.factories import make_edition, make_organisation, make_user


def week_day() -> date:
    """A day inside the test edition."""
    edition = make_edition()
    db.session.commit()  # the factory only flushes; an open write would block requests
    return edition.starts_on + timedelta(days=3)


def proposal_values(**overrides) -> dict:
    day = week_day()
    values = {
        "title": "Interview skills with Accenture",
        "summary": "Practise interviews with people who hire.",
        "description": "A relaxed session.",
        "highlights": "Mock interview\nCV tips",
        "starts_at": uk_datetime(day, 16),
        "ends_at": uk_datetime(day, 17, 30),
        "format": EventFormat.ONLINE,
        "venue_name": None,
        "address": None,
        "online_url": "https://meet.example.org/private-room",
        "capacity": 20,
        "audience": Audience.CARE_EXPERIENCED,
        "safeguarding_lead": "Sam Lead",
        "safeguarding_contact": "sam@accenture.example",
        "staff_dbs_checked": True,
        "min_age": 18,
        "note_to_reviewers": "Two staff on the call.",
    }
    values.update(overrides)
    return values


def make_partner(name: str | None = None, **overrides):
    organisation = make_organisation(name=name) if name else make_organisation()
    return make_user(Role.PARTNER, organisation=organisation, **overrides)


def make_proposal(partner, *, submit: bool = False, **overrides) -> Proposal:
    proposal = services.create_proposal(proposal_values(**overrides), actor=partner, now=utcnow())
    if submit:
        services.submit_proposal(proposal, actor=partner, now=utcnow())
    db.session.commit()
    return proposal
