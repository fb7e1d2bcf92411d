"""The same hostile-input fuzzing on PostgreSQL, which refuses NUL bytes SQLite would keep."""

from __future__ import annotations

import pytest

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.security.test_fuzz_forms import (  # noqa: F401 - collected here on PostgreSQL
    accounts,
    events,
    test_account_forms,
    test_public_and_api_routes_with_hostile_input,
    test_question_forms,
    test_sign_up_form,
    test_ticket_delete_form,
    test_ticket_routes_with_hostile_tokens,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(tmp_path, postgres_database_url):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
