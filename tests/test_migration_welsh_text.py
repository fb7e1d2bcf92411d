"""Adding Welsh event text to a database in use keeps every event and proposal as it was."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.e2e.signup_storm import server_env
from tests.support.flask_db import flask_db
from tests.support.live_server import run_flask


def _rows(engine: sa.Engine, table: str, columns: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(f"SELECT {columns} FROM {table}"))]


@pytest.mark.slow  # runs every migration, and the demo in a subprocess
def test_upgrading_a_populated_database_keeps_every_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    env = server_env(url, tmp_path)
    flask_db(["upgrade", "heads"], env)
    run_flask(["nclw", "seed-demo"], env)
    engine = sa.create_engine(url)
    try:
        events = _rows(engine, "events", "id, slug, title, summary, description")
        proposals = _rows(engine, "proposals", "id, title, summary")
        assert events and proposals
        # The release before: every row stays, without its Welsh.
        flask_db(["downgrade", "0031_ticket_language"], env)
        assert _rows(engine, "events", "id, slug, title, summary, description") == events
        assert _rows(engine, "proposals", "id, title, summary") == proposals
        # And up again: the same rows, each with no Welsh text yet.
        flask_db(["upgrade", "heads"], env)
        assert _rows(engine, "events", "id, slug, title, summary, description") == events
        assert _rows(engine, "proposals", "id, title, summary") == proposals
        welsh = _rows(engine, "events", "title_cy, summary_cy, description_cy")
        welsh += _rows(engine, "proposals", "title_cy, summary_cy, description_cy")
        assert set(welsh) == {("", "", "")}
    finally:
        engine.dispose()
