"""Fixtures for the mail tests: an app that sends to the real loopback SMTP sink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.support.smtp import SmtpSink


@pytest.fixture
def smtp_app(tmp_path: Path, smtp_server: SmtpSink) -> Iterator[Flask]:
    """An app whose outbox delivers to `smtp_server` over SMTP."""
    app = make_test_app(tmp_path, **smtp_server.app_config())
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
