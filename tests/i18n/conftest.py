"""An app whose English is the pseudo-locale: every translated string wrapped in ⟪ ⟫."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from nclw.extensions import db, limiter
from tests import conftest as base
from tests.support.database import sqlite_url
from tests.support.pseudo import write_pseudo_catalogue


@pytest.fixture(scope="session")
def _pseudo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One pseudo-locale app per xdist worker; each test gets it as if new (`pseudo_app`)."""
    catalogue = write_pseudo_catalogue(tmp_path_factory.mktemp("pseudo"))
    folder = tmp_path_factory.mktemp("pseudo-app")
    config = base._settings(folder, base._postgres_url or sqlite_url(folder))
    app = base._build({**config, "BABEL_TRANSLATION_DIRECTORIES": str(catalogue)})
    app.extensions["tests_limiter_state"] = dict(vars(limiter))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pseudo_app(_pseudo_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The pseudo-locale app with an empty database, nothing cached, its own mail folder."""
    with base.fresh_start(_pseudo_app, tmp_path):
        yield _pseudo_app
