"""The question settings come from the environment, like every other setting."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from nclw import config
from nclw.config import ConfigurationError
from nclw.extensions import db
from nclw.questions import services
from tests.conftest import TEST_SECRET, make_test_app
from tests.factories import make_registration
from tests.questions.helpers import qa_event


@pytest.fixture(autouse=True)
def _no_question_settings_from_outside(monkeypatch) -> None:
    monkeypatch.delenv("QUESTION_RATE_LIMIT", raising=False)
    monkeypatch.delenv("QUESTION_ASKER_KEY", raising=False)
    monkeypatch.delenv("TOKEN_HASH_KEY", raising=False)


def _expected_key(key: str, registration_id: int) -> str:
    return hmac.new(key.encode(), f"ticket:{registration_id}".encode(), hashlib.sha256).hexdigest()


def test_the_defaults_when_nothing_is_set(tmp_path) -> None:
    settings = config.load_settings(str(tmp_path))
    assert settings["QUESTION_RATE_LIMIT"] == "5 per 10 minutes"
    assert settings["QUESTION_ASKER_KEY"] is None


def test_the_question_limit_from_the_environment_is_the_one_applied(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTION_RATE_LIMIT", "2 per 10 minutes")
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    assert app.config["QUESTION_RATE_LIMIT"] == "2 per 10 minutes"
    with app.app_context():
        registration = make_registration(qa_event())
        url = f"/tickets/{registration.link_token}/questions/ask"
        client = app.test_client()
        statuses = [client.post(url, data={"body": f"Q{n}?"}).status_code for n in range(3)]
        db.session.remove()
    assert statuses == [302, 302, 429]


def test_the_asker_key_from_the_environment_keys_the_hashes(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("QUESTION_ASKER_KEY", "a-key-only-for-question-hashes")
    monkeypatch.setenv("TOKEN_HASH_KEY", "a-key-only-for-link-hashes")
    app = make_test_app(tmp_path)
    with app.app_context():
        registration = make_registration(qa_event())
        key = services.ticket_key(registration)
        assert key == _expected_key("a-key-only-for-question-hashes", registration.id)
        assert key != _expected_key("a-key-only-for-link-hashes", registration.id)
        assert key != _expected_key(TEST_SECRET, registration.id)
        db.session.remove()


def test_without_an_asker_key_the_token_hash_key_is_used(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TOKEN_HASH_KEY", "a-key-only-for-link-hashes")
    app = make_test_app(tmp_path)
    with app.app_context():
        registration = make_registration(qa_event())
        expected = _expected_key("a-key-only-for-link-hashes", registration.id)
        assert services.ticket_key(registration) == expected
        db.session.remove()


def test_without_an_asker_key_or_a_token_hash_key_the_secret_key_is_used(tmp_path) -> None:
    app = make_test_app(tmp_path)
    with app.app_context():
        registration = make_registration(qa_event())
        expected = _expected_key(TEST_SECRET, registration.id)
        assert services.ticket_key(registration) == expected
        db.session.remove()


@pytest.mark.parametrize("value", ["lots", "5 every 10 minutes"])
def test_a_limit_that_cannot_be_read_stops_the_app_starting(monkeypatch, tmp_path, value) -> None:
    # Flask-Limiter would skip it, leaving questions with no limit at all.
    monkeypatch.setenv("QUESTION_RATE_LIMIT", value)
    with pytest.raises(ConfigurationError, match="QUESTION_RATE_LIMIT .* is not a limit"):
        make_test_app(tmp_path)
