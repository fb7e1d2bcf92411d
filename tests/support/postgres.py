"""Throwaway PostgreSQL databases for tests, one fresh database per call."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from tests.support.ci import unavailable

#: Server used when NCLW_TEST_POSTGRES is unset; its database is only used to run CREATE/DROP.
DEFAULT_BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DB_PREFIX = "nclw_test_"


def base_url() -> str:
    """Return the admin database URL: env NCLW_TEST_POSTGRES or `DEFAULT_BASE_URL`."""
    return os.environ.get("NCLW_TEST_POSTGRES") or DEFAULT_BASE_URL


def _conninfo(url: URL) -> str:
    """Turn a SQLAlchemy URL into a libpq URI psycopg accepts."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _admin_connection(url: URL) -> psycopg.Connection:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    return psycopg.connect(_conninfo(url), autocommit=True, connect_timeout=5)


def check_server(admin_url: str | None = None) -> tuple[bool, str]:
    """Return (True, "") if the server answers, else (False, reason)."""
    url = make_url(admin_url or base_url())
    try:
        with _admin_connection(url) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return False, str(exc).strip() or type(exc).__name__
    return True, ""


def require_server(admin_url: str | None = None) -> None:
    """Skip the current test (fail it under CI) unless the PostgreSQL server answers."""
    ok, reason = check_server(admin_url)
    if not ok:
        where = make_url(admin_url or base_url()).render_as_string(hide_password=True)
        unavailable(f"PostgreSQL not reachable at {where}: {reason}")


def postgres_url(admin_url: str | None = None, *, template: str | None = None) -> str:
    """Create a new database and return its `postgresql+psycopg://` URL: empty, or a copy of
    the database named by the URL `template` (which nobody may be connected to)."""
    url = make_url(admin_url or base_url())
    name = DB_PREFIX + secrets.token_hex(6)
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        source = make_url(template).database
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(source))
    with _admin_connection(url) as conn:
        conn.execute(create)
    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )


def drop_database(database_url: str, admin_url: str | None = None) -> None:
    """Drop the database named in `database_url`, disconnecting any sessions still using it."""
    name = make_url(database_url).database
    if not name or not name.startswith(DB_PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a throwaway test database")
    with _admin_connection(make_url(admin_url or base_url())) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def throwaway_database(
    admin_url: str | None = None, *, template: str | None = None
) -> Iterator[str]:
    """Yield the URL of a fresh database (a copy of `template`, if given) that is dropped when
    the block exits."""
    url = postgres_url(admin_url, template=template)
    try:
        yield url
    finally:
        drop_database(url, admin_url)
