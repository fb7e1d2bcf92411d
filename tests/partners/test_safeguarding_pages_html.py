"""The safeguarding pages, and the desk that finds people by name, are valid HTML with no
inline styles or scripts (CSP)."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.partners import session_changes
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_reviews_changes_ages_access_and_cancelling_are_valid_pages(app):
    partner = make_partner()
    organiser = make_user(Role.ORGANISER, email="reviewer@nclw.example")
    event = make_event(
        host=partner.organisation,
        format=EventFormat.IN_PERSON,
        venue_name="Town Hall",
        online_url=None,
        min_age=18,
        access_features="step_free,bsl",
    )
    person = make_registration(event, access_requests="bsl", access_needs="Short breaks.")
    change = session_changes.ask_for_change(
        event, {"title": "A new name"}, actor=partner, now=utcnow()
    )
    refused = make_proposal(make_partner(), submit=True, min_age=16, staff_dbs_checked=False)
    explained = make_proposal(make_partner(), submit=True, min_age=18, staff_dbs_checked=False)
    db.session.commit()

    public, host, reviewer = app.test_client(), app.test_client(), app.test_client()
    login(host, partner)
    login(reviewer, organiser)
    assert_valid_pages(
        {
            "event page": public.get(f"/events/{event.slug}"),
            "week filtered by access": public.get("/?access=bsl"),
            "sign-up, age refused": public.post(
                f"/events/{event.slug}/register",
                data={"first_name": "Kai", "email": "kai@example.com", "age_confirmed": "no"},
            ),
            "partner session, change waiting": host.get(f"/partner/sessions/{event.id}"),
            "partner change form": host.get(f"/partner/sessions/{event.id}/edit"),
            "change review": reviewer.get(f"/admin/proposals/changes/{change.id}"),
            "change decline errors": reviewer.post(f"/admin/proposals/changes/{change.id}/decline"),
            "proposals": reviewer.get("/admin/proposals/"),
            "proposal refused": reviewer.get(f"/admin/proposals/{refused.id}"),
            "proposal needs a reason": reviewer.post(f"/admin/proposals/{explained.id}/approve"),
            "event with access": reviewer.get(f"/admin/events/{event.id}"),
            "attendees with needs": reviewer.get(f"/admin/events/{event.id}/attendees"),
            "cancel with errors": reviewer.post(f"/admin/registrations/{person.id}/cancel"),
            "desk, found by name": reviewer.get(
                f"/admin/events/{event.id}/check-in", query_string={"q": person.first_name[:2]}
            ),
        }
    )
