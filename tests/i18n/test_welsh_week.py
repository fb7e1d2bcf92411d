"""The week page at /cy/ reads in Welsh: with this part's drafts filled into a scratch copy of
the catalogues, and (once they are merged) with the real catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nclw.events.models import EventFormat
from nclw.extensions import db
from tests.conftest import make_test_app
from tests.factories import make_edition, make_event
from tools import translations

DRAFTS = Path(translations.DIRECTORY) / "drafts"
# English on the week page, and the Welsh it must show at /cy/.
WELSH = {
    "Filter events": "Hidlo digwyddiadau",
    "Show events": "Dangos digwyddiadau",
    "Hosted by %(host)s": "Yn cael ei gynnal gan",
}


def _welsh_week_page(app) -> str:
    with app.app_context():
        make_event(edition=make_edition(), format=EventFormat.IN_PERSON, venue_name="Hall")
        db.session.commit()
    response = app.test_client().get("/cy/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_week_page_is_in_welsh_with_the_drafts_filled_in(tmp_path, monkeypatch):
    scratch = tmp_path / "translations"
    shutil.copytree(translations.DIRECTORY, scratch, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(translations, "DIRECTORY", scratch)
    for draft in sorted(DRAFTS.glob("public.*.po")):
        translations.fill(draft.name.split(".")[1], draft)
    translations.compile_all()
    app = make_test_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(scratch))
    html = _welsh_week_page(app)
    assert 'lang="cy"' in html
    for welsh in WELSH.values():
        assert welsh in html


def test_the_week_page_is_in_welsh_with_the_real_catalogue(tmp_path):
    catalogue = translations.read("cy")
    for english in WELSH:
        message = catalogue.get(english)
        if message is None or not message.string:
            pytest.skip(f"{english!r} is not in the Welsh catalogue yet (it is in the drafts)")
    html = _welsh_week_page(make_test_app(tmp_path))
    for english in WELSH:
        assert catalogue.get(english).string.split("%(")[0].strip() in html
