"""The Welsh text fieldset, on the organisers' and the partners' forms, is all translated."""

from __future__ import annotations

import re

from nclw.events.details import TEXT_LIMITS
from tests.backoffice.helpers import event_form_data
from tests.conftest import login
from tests.factories import make_event, make_user
from tests.partners.helpers import make_partner
from tests.support.pseudo import untranslated

_FIELDSET = re.compile(
    r'<fieldset class="fieldset" aria-describedby="welsh-text-hint">.*?</fieldset>', re.S
)


def _welsh_fieldset(html: str) -> str:
    [fieldset] = _FIELDSET.findall(html)
    return fieldset


def test_the_organisers_welsh_fields_and_their_messages_are_translated(pseudo_app):
    client = pseudo_app.test_client()
    event = make_event(title="CV clinic")
    login(client, make_user())
    form = _welsh_fieldset(client.get(f"/admin/events/{event.id}/edit").text)
    assert "⟪" in form
    assert untranslated(form) == [], untranslated(form)
    too_long = "a" * (TEXT_LIMITS["title_cy"] + 1)
    refused = client.post(
        f"/admin/events/{event.id}/edit",
        data=event_form_data(event, title_cy=too_long, description_cy="b" * 5001),
    ).text
    fieldset = _welsh_fieldset(refused)
    assert "⟪The Welsh title must be 160 characters or fewer⟫" in fieldset
    assert "⟪The Welsh description must be 5,000 characters or fewer⟫" in fieldset
    # "Error:" before each message is the form macros' own (templates/_macros/forms.html).
    assert untranslated(fieldset, allowed=[too_long, "b" * 5001, "Error:"]) == []


def test_the_partners_welsh_fields_are_translated(pseudo_app):
    client = pseudo_app.test_client()
    login(client, make_partner())
    form = _welsh_fieldset(client.get("/partner/proposals/new").text)
    assert "⟪Session name in Welsh (optional)⟫" in form
    assert untranslated(form) == [], untranslated(form)
