"""Every shipped catalogue is complete: no missing or empty translation, no lost placeholder."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from nclw.i18n import LANGUAGES
from tests.support.pseudo import extracted
from tools import translations


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extracted()


def test_every_language_the_site_offers_has_a_catalogue():
    assert set(translations.LANGUAGES) == set(LANGUAGES) - {"en"}


def test_every_shipped_catalogue_translates_every_string_it_covers(template):
    assert translations.problems(template) == []


def test_arabic_covers_the_young_persons_journey_and_nothing_else(template):
    arabic = translations.template_for("ar", template)
    ids = {message.id for message in arabic if message.id}
    assert "Skip to main content" in ids  # every page's layout
    assert len(ids) < len([m for m in template if m.id])  # the back office stays English


def test_the_checker_finds_a_missing_translation_and_a_lost_placeholder(template, monkeypatch):
    welsh = translations.read("cy")
    broken = Catalog(locale="cy", charset="utf-8")
    for message in welsh:
        if message.id:
            broken.add(message.id, message.string, context=message.context)
    first = next(m for m in template if isinstance(m.id, str) and "%(" not in m.id and m.id)
    with_placeholder = next(m for m in template if isinstance(m.id, str) and "%(day)s" in m.id)
    broken.get(first.id).string = ""
    broken.get(with_placeholder.id).string = "%(diwrnod)s"
    monkeypatch.setattr(translations, "read", lambda _language: broken)
    monkeypatch.setattr(translations, "LANGUAGES", ("cy",))
    found = translations.problems(template)
    assert any(first.id in problem and "no translation" in problem for problem in found)
    assert any("diwrnod" in problem for problem in found)
