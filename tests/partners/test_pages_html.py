"""Every partner and review page is valid HTML with no inline styles or scripts (CSP)."""

from __future__ import annotations

import pytest

from nclw.accounts.models import Role
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_pages_are_valid_and_csp_clean(app, client):
    organiser = make_user(Role.ORGANISER)
    partner = make_partner()
    draft = make_proposal(partner)
    sent = make_proposal(partner, submit=True)
    event = make_event(host=partner.organisation, partner_moderates=True, qa_enabled=True)
    make_registration(event, share_with_host=True)

    login(client, partner)
    pages = {
        "home": client.get("/partner/"),
        "new": client.get("/partner/proposals/new"),
        "new-errors": client.post("/partner/proposals/new", data={"title": "x"}),
        "draft": client.get(f"/partner/proposals/{draft.id}"),
        "edit": client.get(f"/partner/proposals/{draft.id}/edit"),
        "sent": client.get(f"/partner/proposals/{sent.id}"),
        "session": client.get(f"/partner/sessions/{event.id}"),
        "session-edit": client.get(f"/partner/sessions/{event.id}/edit"),
    }
    login(client, organiser)
    pages |= {
        "review-list": client.get("/admin/proposals/"),
        "review": client.get(f"/admin/proposals/{sent.id}"),
        "review-errors": client.post(f"/admin/proposals/{sent.id}/decline", data={}),
    }
    assert_valid_pages(pages)
