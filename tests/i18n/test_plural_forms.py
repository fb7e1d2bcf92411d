"""A counted phrase for a script, in every plural form of the page's language: the door desk's
"N check-ins waiting to send" reads right in Welsh, which has six forms, not two."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from flask_babel import force_locale

from nclw.i18n import plural_forms, plural_samples
from tests.conftest import login
from tests.factories import make_event, make_user

SINGULAR, PLURAL = "%(count)s check-in waiting to send.", "%(count)s check-ins waiting to send."


def test_each_language_has_a_count_for_each_of_its_plural_categories():
    assert plural_samples("en") == {"one": 1, "other": 0}
    assert plural_samples("cy") == {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 4}
    assert plural_samples("ar") == {
        "zero": 0,
        "one": 1,
        "two": 2,
        "few": 3,
        "many": 11,
        "other": 100,
    }


def test_welsh_gets_six_forms_and_english_two(app):
    with app.test_request_context(), force_locale("cy"):
        welsh = plural_forms(SINGULAR, PLURAL)
    assert welsh == {
        "zero": "Does dim cofrestriadau wrth gyrraedd yn aros i'w hanfon.",
        "one": "{count} cofrestriad wrth gyrraedd yn aros i'w anfon.",
        "two": "{count} gofrestriad wrth gyrraedd yn aros i'w hanfon.",
        "few": "{count} chofrestriad wrth gyrraedd yn aros i'w hanfon.",
        "many": "{count} chofrestriad wrth gyrraedd yn aros i'w hanfon.",
        "other": "{count} o gofrestriadau wrth gyrraedd yn aros i'w hanfon.",
    }
    with app.test_request_context(), force_locale("en"):
        assert plural_forms(SINGULAR, PLURAL) == {
            "one": "{count} check-in waiting to send.",
            "other": "{count} check-ins waiting to send.",
        }
    # The desk is not translated into Arabic: each of Arabic's six forms is the right English.
    with app.test_request_context(), force_locale("ar"):
        arabic = plural_forms(SINGULAR, PLURAL)
    assert arabic.pop("one") == "{count} check-in waiting to send."
    assert set(arabic.values()) == {"{count} check-ins waiting to send."}
    assert set(arabic) == {"zero", "two", "few", "many", "other"}


class _Desk(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.words: dict = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id") == "desk":
            self.words = json.loads(found["data-words"])


def test_the_desk_page_gives_its_script_every_form_of_its_language(client):
    event = make_event()
    login(client, make_user())
    welsh = _Desk(client.get(f"/cy/admin/events/{event.id}/check-in").text).words
    assert welsh["waitingCount"]["few"] == "{count} chofrestriad wrth gyrraedd yn aros i'w hanfon."
    assert set(welsh["waitingCount"]) == {"zero", "one", "two", "few", "many", "other"}
    english = _Desk(client.get(f"/admin/events/{event.id}/check-in").text).words
    assert english["waitingCount"] == {
        "one": "{count} check-in waiting to send.",
        "other": "{count} check-ins waiting to send.",
    }
