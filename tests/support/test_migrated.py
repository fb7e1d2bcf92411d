"""The run's one migrated database: a copy is what `flask db upgrade heads` makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.ops.health import migration_heads
from tests.e2e.signup_storm import server_env
from tests.support import migrated
from tests.support.migrated import migrated_postgres, upgrade_to_heads

pytestmark = pytest.mark.slow  # the first copy of a run runs `flask db upgrade heads`


def _schema(path: Path) -> tuple[list[tuple], list[str]]:
    """Each table, index and trigger with the parts of its definition, and the versions.

    The parts as a set: Alembic rebuilds a SQLite table in an order of constraints that
    differs from one run of the same migrations to the next.
    """
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    objects = [
        (kind, name, frozenset(part.strip().rstrip(",") for part in (sql or "").splitlines()))
        for kind, name, sql in rows
    ]
    return objects, sorted(versions)


def test_a_copy_is_the_database_the_command_migrates(tmp_path, monkeypatch):
    copy = tmp_path / "copy" / "copy.sqlite"
    upgrade_to_heads(server_env(f"sqlite:///{copy}", tmp_path))
    # The same command on a file of its own, with no run's copy to take.
    monkeypatch.setattr(migrated, "_shared", None)
    own = tmp_path / "own" / "own.sqlite"
    own.parent.mkdir()
    upgrade_to_heads(server_env(f"sqlite:///{own}", tmp_path / "own"))

    objects, versions = _schema(copy)
    assert (objects, versions) == _schema(own)
    assert versions == sorted(migration_heads())
    tables = {name for kind, name, _ in objects if kind == "table"}
    assert set(db.metadata.tables) <= tables
    # Each test's copy is its own: a change to one is not in the next.
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM alembic_version")
    again = tmp_path / "again.sqlite"
    upgrade_to_heads(server_env(f"sqlite:///{again}", tmp_path))
    assert _schema(again)[1] == versions


@pytest.mark.postgres
def test_a_postgres_copy_is_at_the_heads_and_its_own(tmp_path):
    env = server_env("", tmp_path)
    with migrated_postgres(env) as first, migrated_postgres(env) as second:
        assert first != second
        engines = [sa.create_engine(url) for url in (first, second)]
        try:
            with engines[0].begin() as conn:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
                assert sorted(row[0] for row in versions) == sorted(migration_heads())
                tables = set(sa.inspect(conn).get_table_names())
                assert set(db.metadata.tables) <= tables
                conn.execute(sa.text("DELETE FROM alembic_version"))
            with engines[1].begin() as conn:
                left = conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
                assert left == len(migration_heads())
        finally:
            for engine in engines:
                engine.dispose()
