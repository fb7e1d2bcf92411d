"""Backups that restore: a copy taken while the site takes sign-ups, put back on request.

SQLite: the online backup API copies a consistent snapshot page by page while other
connections go on writing (in WAL mode readers never block writers). PostgreSQL: `pg_dump`
in its custom format, which is one consistent snapshot too, and `pg_restore`.

A backup is first written beside its destination and then renamed, so a backup that was cut
short never sits at the path an operator will one day restore from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from nclw.errors import InvalidInput

# A database with any of these holds somebody's work: it is live, and a restore over it
# needs --force.
_LIVE_TABLES = ("registrations", "events", "users")


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore did."""

    path: Path
    size_bytes: int
    seconds: float
    kind: str


def kind_of(database_url: str) -> str:
    """ "sqlite" or "postgresql"; anything else is refused."""
    backend = make_url(database_url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InvalidInput(f"Backups of {backend} databases are not supported.")
    return backend


def _sqlite_file(database_url: str) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise InvalidInput("This SQLite database is in memory: there is no file to back up.")
    return Path(name)


def _libpq_url(database_url: str) -> str:
    # pg_dump and pg_restore take libpq's URL: no SQLAlchemy driver name.
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # pg_dump's message names the database and the problem, never a row's contents.
        raise InvalidInput(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def backup(database_url: str, destination: Path) -> Copied:
    """Copy the database to `destination` (a file), safely while the site is running."""
    started = time.monotonic()
    kind = kind_of(database_url)
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_file(database_url)}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            # All pages in one step: the copy is the database as it was at one moment.
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        pg_dump = shutil.which("pg_dump") or "pg_dump"
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                _libpq_url(database_url),
            ]
        )
    os.replace(partial, destination)
    return Copied(destination, destination.stat().st_size, time.monotonic() - started, kind)


BACKUP_NAME = "nclw-{moment:%Y%m%d-%H%M%S}.{suffix}"
_BACKUP_GLOB = "nclw-*.*"


def dated_path(folder: Path, kind: str, *, now: datetime) -> Path:
    """A new backup's file in `folder`, named for the moment it was taken (UTC)."""
    suffix = "sqlite" if kind == "sqlite" else "dump"
    return folder / BACKUP_NAME.format(moment=now, suffix=suffix)


def prune(folder: Path, *, keep_days: int, now: datetime) -> list[Path]:
    """Delete the dated backups in `folder` older than `keep_days`: the privacy notice says
    how long copies of people's details are kept, and this keeps it true."""
    cutoff = now - timedelta(days=keep_days)
    gone = []
    for path in sorted(folder.glob(_BACKUP_GLOB)):
        try:
            taken = datetime.strptime(path.stem, "nclw-%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours: leave it alone
        if taken < cutoff and path.suffix in (".sqlite", ".dump"):
            path.unlink()
            gone.append(path)
    return gone


def is_live(engine: sa.Engine) -> bool:
    """Whether the database holds anybody's work (a week, a ticket, an account)."""
    tables = set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in _LIVE_TABLES:
            if table in tables:
                row = connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()
                if row is not None:
                    return True
    return False


def restore(database_url: str, source: Path) -> Copied:
    """Replace the whole database with the backup at `source`.

    The caller has checked `is_live` and stopped the site; everything in the database now is
    replaced (tables the backup does not have are dropped too).
    """
    started = time.monotonic()
    kind = kind_of(database_url)
    source = source.resolve()
    if not source.is_file():
        raise InvalidInput(f"There is no backup at {source}.")
    if kind == "sqlite":
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_file.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise InvalidInput(f"{source} is not a whole SQLite database.")
            target = sqlite3.connect(_sqlite_file(database_url))
            try:
                backup_file.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as error:
            raise InvalidInput(f"{source} is not a SQLite database ({error}).") from error
        finally:
            backup_file.close()
    else:
        engine = sa.create_engine(database_url)
        try:
            with engine.begin() as connection:
                # Start from nothing, so a newer schema's tables do not outlive the restore.
                connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
        pg_restore = shutil.which("pg_restore") or "pg_restore"
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={_libpq_url(database_url)}",
                str(source),
            ]
        )
    return Copied(source, source.stat().st_size, time.monotonic() - started, kind)
