"""`flask db` in the test process does what the command does, and leaves this process's
logging alone."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from tests.e2e.signup_storm import server_env
from tests.support.flask_db import flask_db

pytestmark = pytest.mark.slow  # runs every migration


def test_the_command_migrates_prints_and_leaves_logging_alone(tmp_path):
    database = tmp_path / "site.sqlite"
    env = server_env(f"sqlite:///{database}", tmp_path)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level

    flask_db(["upgrade", "heads"], env)
    checked = flask_db(["check"], env)

    assert "No new upgrade operations detected" in checked.stdout
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"events", "registrations", "alembic_version"} <= tables
    # alembic.ini's logging set-up would have given the root logger a handler and WARN.
    assert root.handlers == handlers
    assert root.level == level


def test_a_failed_command_raises_with_what_it_said(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'site.sqlite'}", tmp_path)
    with pytest.raises(RuntimeError, match="flask db upgrade no_such_revision failed"):
        flask_db(["upgrade", "no_such_revision"], env)
