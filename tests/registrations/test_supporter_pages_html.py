"""The supporter pages are valid HTML with no inline styles or scripts (CSP)."""

from __future__ import annotations

import pytest

from nclw.extensions import db
from nclw.registrations.supporter_models import Supporter
from tests.conftest import login
from tests.factories import make_event, make_registration, make_user
from tests.support.html_validation import assert_valid_pages

pytestmark = pytest.mark.slow  # the Nu HTML checker is a Java program started per call


def test_supporter_pages_are_valid_and_csp_clean(client):
    event = make_event(capacity=5, supporters_allowed=True)
    alone = make_registration(event)
    pair = make_registration(event, first_name="Cleo")
    db.session.add(Supporter(registration=pair, first_name="Jo", role="carer"))
    event.confirmed_count += 1
    db.session.commit()
    register = f"/events/{event.slug}/register"
    pages = {
        "sign-up": client.get(register),
        "sign-up-errors": client.post(
            register, data={"first_name": "A", "email": "a@example.com", "supporter_role": "x"}
        ),
        "ticket-pair": client.get(f"/tickets/{pair.link_token}"),
        "ticket-alone": client.get(f"/tickets/{alone.link_token}"),
        "remove": client.get(f"/tickets/{pair.link_token}/supporter/remove"),
        "add": client.get(f"/tickets/{alone.link_token}/supporter/add"),
        "add-errors": client.post(f"/tickets/{alone.link_token}/supporter/add", data={}),
    }
    login(client, make_user())
    pages["attendees"] = client.get(f"/admin/events/{event.id}/attendees")
    pages["attendee"] = client.get(f"/admin/registrations/{pair.id}")
    pages["register"] = client.get(f"/admin/events/{event.id}/register")
    pages["desk"] = client.get(f"/admin/events/{event.id}/check-in", query_string={"q": "cle"})
    assert_valid_pages(pages)
