"""How every SQLite connection is opened, including to a database the site cannot write.

An operator may leave the database where the site can read it but not write it: a read-only
volume, or a file and folder owned by another user after a restore. SQLite then refuses even
to read a database in WAL mode, because every reader must create a shared index file (`-shm`)
beside it. A connection that meets that refusal is opened again as `immutable`, which needs
no index: the site keeps showing its pages, and each change is refused by the database and
answered with a "try again later" page (see `nclw.errors`).

Immutable tells SQLite that nobody changes the file, so such a connection is only used while
that is true: never when the write-ahead log holds changes not yet in the file (they would be
missed), and for a few seconds at a time, after which the database is tried again, so the
site starts saving again soon after the folder becomes writable.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)

#: How long a connection opened as immutable is used before the database is tried again.
IMMUTABLE_FOR_SECONDS = 10.0
_OPENED_IMMUTABLE_AT = "nclw_opened_immutable_at"
_warned: set[str] = set()


def refuses_writes(error: sqlite3.Error) -> bool:
    """True for SQLite's "read-only" errors (any of them: file, folder, shared index)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_READONLY


def tune_sqlite_connections() -> None:
    """Open and set up every SQLite connection of every engine as described above."""
    for target, name, listener in (
        (Engine, "do_connect", _open),
        (Engine, "connect", _tune),
        (Pool, "checkout", _retry_writable),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def _open(dialect, connection_record, cargs, cparams):
    if dialect.name != "sqlite":
        return None  # the driver's own connect
    connection = dialect.connect(*cargs, **cparams)
    try:
        connection.execute("PRAGMA schema_version")  # the first read of the file
    except sqlite3.OperationalError as error:
        connection.close()
        immutable = _immutable_address(cargs[0], cparams) if refuses_writes(error) else None
        if immutable is None:
            raise
        _warn_once(cargs[0], error)
        connection = dialect.connect(immutable, **{**cparams, "uri": True})
        connection_record.info[_OPENED_IMMUTABLE_AT] = time.monotonic()
    return connection


def _immutable_address(address: str, cparams: dict) -> str | None:
    """The address that opens this database as immutable, or None if that could miss changes."""
    if cparams.get("uri"):
        path = unquote(address.removeprefix("file:").partition("?")[0])
        immutable = f"{address}{'&' if '?' in address else '?'}immutable=1"
    else:
        path = address
        immutable = f"file:{quote(str(Path(address).resolve()))}?immutable=1"
    if path in ("", ":memory:"):
        return None
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # changes still in the log: an immutable reader would not see them
    return immutable


def _warn_once(address: str, error: sqlite3.Error) -> None:
    if address not in _warned:
        _warned.add(address)
        log.warning(
            "The database %s cannot be written (%s, %s). Pages are shown from it, and every "
            "change is refused until it can be written again.",
            address,
            error,
            getattr(error, "sqlite_errorname", ""),
        )


def _tune(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the week page read while a sign-up writes; the timeout makes writers queue
    # for the single write lock instead of failing with "database is locked".
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:
        # Changing the mode writes to the file. A database we cannot write keeps the mode it
        # has, which is all a reader needs; the writes themselves are refused later, politely.
        if not refuses_writes(error):
            raise
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def opened_immutable(connection_info: dict) -> bool:
    """Whether the connection with this `info` (SQLAlchemy's, for one connection) was opened
    as immutable: it sees no change anyone makes to the file."""
    return _OPENED_IMMUTABLE_AT in connection_info


def _retry_writable(_dbapi_connection, connection_record, _proxy) -> None:
    opened = connection_record.info.get(_OPENED_IMMUTABLE_AT)
    if opened is not None and time.monotonic() - opened > IMMUTABLE_FOR_SECONDS:
        # The pool closes this connection and opens a new one, normally if it now can.
        raise DisconnectionError("an immutable SQLite connection is old: try the file again")
