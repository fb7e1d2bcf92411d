"""Fixtures for the mail tests: an app that sends to the real loopback SMTP sink, and an app
whose Welsh catalogue holds the translators' drafts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.support.smtp import SmtpSink
from tools import translations

# The site's address in the Welsh app's emails.
SITE = "http://nclw.test"


@pytest.fixture
def smtp_app(tmp_path: Path, smtp_server: SmtpSink) -> Iterator[Flask]:
    """An app whose outbox delivers to `smtp_server` over SMTP."""
    app = make_test_app(tmp_path, **smtp_server.app_config())
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _scratch_catalogue(folder: Path, language: str) -> Path:
    """The shipped catalogue with every draft in translations/drafts/ filled in, compiled."""
    catalogue = translations.read(language)
    for path in sorted((translations.DIRECTORY / "drafts").glob(f"*.{language}.po")):
        with open(path, "rb") as po:
            for message in read_po(po, locale=language):
                ours = catalogue.get(message.id, message.context) if message.id else None
                if not message.id or not message.string:
                    continue
                if ours is None:
                    catalogue.add(message.id, message.string, context=message.context)
                elif not translations._translated(ours):
                    ours.string = message.string
    out = folder / language / "LC_MESSAGES" / "messages.mo"
    out.parent.mkdir(parents=True)
    with open(out, "wb") as mo:
        write_mo(mo, catalogue)
    return folder


@pytest.fixture
def welsh_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose Welsh catalogue holds the drafts too."""
    catalogue = _scratch_catalogue(tmp_path / "translations", "cy")
    app = make_test_app(tmp_path, SITE_URL=SITE, BABEL_TRANSLATION_DIRECTORIES=str(catalogue))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
