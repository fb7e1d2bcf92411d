"""The test database: the schema is created once per session, and each test starts it empty.

On SQLite the schema is made once in a template file; each app gets a byte copy of it
(a millisecond, where `create_all` took tens). On PostgreSQL one throwaway database holds
the schema for the whole session (one per pytest-xdist worker), and a test starts by
deleting every row and restarting the id sequences, which costs a few milliseconds where
TRUNCATE costs a tenth of a second.

Every test still commits for real, through the same engine and driver as production: no
outer transaction is held open, so code that opens its own connection, commits in a
background thread or hands the database to a subprocess sees exactly what it would see
outside the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from nclw.extensions import db
from nclw.ops.health import migration_heads

SQLITE_FILE = "test.sqlite"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_url(folder: Path) -> str:
    """The URL of the test database file in `folder`."""
    return f"sqlite:///{folder / SQLITE_FILE}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a `sqlite:///` URL, or None for any other database."""
    prefix = "sqlite:///"
    return Path(url.removeprefix(prefix)) if url.startswith(prefix) else None


def create_schema(app: Flask) -> None:
    """Create every table in the app's database, mark it as migrated to this code's head (as
    `flask db upgrade` would leave it, so /readyz sees a current database), and close its
    connections."""
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            )
            for head in migration_heads():
                connection.execute(
                    sa.text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                    {"head": head},
                )
        db.session.remove()
        db.engine.dispose()


class SchemaTemplate:
    """The empty schema in a SQLite file, made once; `copy_to` gives a test a fresh copy."""

    def __init__(self, folder: Path, build_app) -> None:
        """`build_app(url)` returns an app on `url`; the schema is created through it."""
        file = folder / "template.sqlite"
        # Closing the last connection folds the write-ahead log into the file.
        create_schema(build_app(f"sqlite:///{file}"))
        self._bytes = file.read_bytes()

    def copy_to(self, path: Path) -> None:
        """Write the empty schema to `path`, replacing any database there.

        The copy is written beside it and renamed into place: a connection a test left open
        keeps the old file rather than seeing this one change under it.
        """
        for suffix in _SQLITE_SIDE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(path.name + ".new")
        fresh.write_bytes(self._bytes)
        os.replace(fresh, path)


def empty_postgres(app: Flask) -> None:
    """Delete every row and restart every sequence of the app's PostgreSQL database."""
    # One round trip: DELETE on a handful of small tables is far cheaper than TRUNCATE, which
    # replaces each table's files. Foreign-key triggers are off for the transaction, so the
    # order of the tables does not matter (the test user is the server's superuser).
    statements = ["SET LOCAL session_replication_role = replica"]
    statements += [f'DELETE FROM "{table.name}"' for table in db.metadata.sorted_tables]
    statements.append("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
    # The version table as create_schema left it: a test of /readyz rewrites or drops it,
    # and it is no model's table, so the deletes above would not put it back.
    statements.append(
        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"
    )
    statements.append("DELETE FROM alembic_version")
    statements += [
        f"INSERT INTO alembic_version (version_num) VALUES ('{head}')" for head in migration_heads()
    ]
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("; ".join(statements))
        db.session.remove()


def reset_sqlite(app: Flask, template: SchemaTemplate) -> None:
    """Give a running app's SQLite file a fresh empty schema (its pool is closed first)."""
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    assert path is not None
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    template.copy_to(path)


__all__ = [
    "SQLITE_FILE",
    "SchemaTemplate",
    "create_schema",
    "empty_postgres",
    "reset_sqlite",
    "sqlite_path",
    "sqlite_url",
]
