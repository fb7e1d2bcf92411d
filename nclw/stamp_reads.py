"""Reading a stamp straight from the driver: the one or two cheap queries each kept page
(nclw/render_cache.py) asks before it is given again.

On these hot paths SQLAlchemy's statement and result machinery costs several times what
the queries do, so they go to the driver over a connection of the process's own (on
PostgreSQL in one round trip, prepared on the server). The rows read are remembered and
given again, with no query, until the database says it has changed
(SQLite's `PRAGMA data_version`; PostgreSQL's notices, nclw/change_notices.py) or the
clock passes a moment the rows were compared with.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import event

from nclw.change_notices import ChangeNotices, watched
from nclw.extensions import db
from nclw.sqlite import opened_immutable


def fetch_rows(sql: str, params: dict, *, one: bool = False, moments: Moments | None = None):
    """Run one plain statement for a stamp and return its rows (or its first row, `one`)."""
    rows = fetch_batch([sql], params, moments=moments)[0]
    return (rows[0] if rows else None) if one else rows


# How many stamps the SQLite reader remembers (a few per page kept, see render_cache).
_MAX_KEPT = 256

# The values in a stamp's rows that its statements compared with `:now`: the moments at
# which the rows would change as the clock passes them, with nothing written.
Moments = Callable[[list[list[tuple]]], Iterable[Any]]


def fetch_batch(
    statements: Sequence[str], params: dict, *, moments: Moments | None = None
) -> list[list[tuple]]:
    """Run plain statements for one stamp, sharing `params`, and return each one's rows.

    The statements name their parameters `:name`. They are sent straight to the driver: on
    these hot paths SQLAlchemy's statement and result machinery costs several times what
    the queries do. On PostgreSQL they go together in one round trip over the process's
    autocommit connection, prepared on the server (`StampConnection`). On SQLite the rows
    are read once and given again, with no statement run, until the database changes or
    the clock passes one of their `moments` (`SqliteStampReader`); statements that use
    `:now` without saying their moments are run every time.
    """
    engine = db.engine
    keep = moments is not None or not any(":now" in statement for statement in statements)
    if engine.dialect.name == "postgresql":
        return _stamp_connection(engine).fetch_batch(statements, params, moments, keep=keep)
    values = {name: _sqlite_value(value) for name, value in params.items()}
    if not keep:
        return _read_sqlite(engine.raw_connection(), statements, values)
    return _sqlite_reader(engine).fetch_batch(statements, values, moments)


def _read_sqlite(connection, statements: Sequence[str], values: dict) -> list[list[tuple]]:
    """The rows of each statement, read on a pooled connection that is then given back."""
    try:
        results = _rows(connection, statements, values)
        connection.commit()
        return results
    finally:
        connection.close()


def _rows(connection, statements: Sequence[str], values: dict) -> list[list[tuple]]:
    cursor = connection.cursor()
    try:
        return [cursor.execute(statement, values).fetchall() for statement in statements]
    finally:
        cursor.close()


class KeptRows:
    """The rows read for stamps, given again while the database is at the version they were
    read at and the clock has passed none of the moments they were compared with.

    Not thread-safe: its reader holds a lock around it.
    """

    def __init__(self) -> None:
        self._version: Any = None
        self._rows: dict = {}

    def get(self, version: Any, statements: Sequence[str], values: dict) -> list | None:
        """The rows kept for these statements and values at `version`, else None."""
        if version != self._version:
            self._rows.clear()
            self._version = version
            return None
        kept = self._rows.get(_key(statements, values))
        now = values.get("now")
        if kept is not None and (kept[1] is None or now < kept[1]):
            return kept[0]
        return None

    def put(self, version, statements, values: dict, results: list, moments) -> None:
        """Keep `results`, read at `version` (nothing is kept if it changed meanwhile)."""
        if version != self._version:
            return
        now = values.get("now")
        # Compared as the statements compare them (on SQLite as text, see _sqlite_value).
        found = moments(results) if moments and now is not None else ()
        if len(self._rows) >= _MAX_KEPT:
            self._rows.clear()
        self._rows[_key(statements, values)] = (
            results,
            min((m for m in found if m is not None and m > now), default=None),
        )


def _key(statements: Sequence[str], values: dict) -> tuple:
    # In the order given: each caller builds its values in one order (another order would
    # only be kept apart, never mistaken).
    return tuple(statements), tuple(item for item in values.items() if item[0] != "now")


class SqliteStampReader:
    """A connection of the process's own, for stamps on SQLite, that remembers what it read.

    `PRAGMA data_version` changes when any other connection, in this process or another,
    commits a change, and reads no table. While it is unchanged, and the clock has passed
    none of the moments the rows were compared with, the rows read last time are the rows
    the statements would return now. This connection only reads, so its own reads never
    hide a change. Threads take turns on it (a development server starts a thread for
    each request: one connection each would never be closed). It is closed when the app's
    engine is disposed (a test's fresh file, a restore), is never used after a fork, and
    is not kept if it was opened as immutable: then each stamp is read on a pooled one.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._connection = None
        self._pid: int | None = None
        self._kept = KeptRows()

    def fetch_batch(
        self, statements: Sequence[str], values: dict, moments: Moments | None
    ) -> list[list[tuple]]:
        with self._lock:
            connection = self._own_connection()
            if connection is not None:
                return self._read(connection, statements, values, moments)
        return _read_sqlite(self.engine.raw_connection(), statements, values)

    def _read(self, connection, statements, values: dict, moments) -> list[list[tuple]]:
        version = connection.execute("PRAGMA data_version").fetchone()[0]
        kept = self._kept.get(version, statements, values)
        if kept is not None:
            return kept
        results = _rows(connection, statements, values)
        self._kept.put(version, statements, values, results, moments)
        return results

    def _own_connection(self):
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        # None yet, or opened before a fork: the parent's, not ours to use.
        pooled = self.engine.raw_connection()
        if opened_immutable(pooled.info):
            pooled.close()  # back to the pool, which tries the file again before long
            return None
        pooled.detach()  # ours alone from now on, opened and set up as every connection
        self._connection, self._pid = pooled.dbapi_connection, os.getpid()
        self._kept = KeptRows()
        return self._connection

    def close(self) -> None:
        """Close the connection (the engine is being disposed)."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):  # closed already: nothing to keep
                    self._connection.close()
            self._connection, self._kept = None, KeptRows()


def _sqlite_reader(engine) -> SqliteStampReader:
    return _for_engine(engine, "nclw_sqlite_stamp_reader", SqliteStampReader)


def _for_engine(engine, name: str, make: Callable):
    """The app's `make(engine)`, made on first use and closed when the engine is disposed."""
    reader = current_app.extensions.get(name)
    if reader is None or reader.engine is not engine:
        reader = make(engine)
        current_app.extensions[name] = reader
        event.listen(engine, "engine_disposed", lambda _engine: reader.close())
    return reader


def _sqlite_value(value):
    # SQLite keeps datetimes as text in SQLAlchemy's format (naive UTC, see UTCDateTime).
    if isinstance(value, datetime):  # "%Y-%m-%d %H:%M:%S.%f", without strftime's cost
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class StampConnection:
    """One autocommit connection per process, for stamps on PostgreSQL, and the rows it read.

    A pooled connection would cost four round trips per page (the pool's pre-ping, BEGIN,
    the query, COMMIT); this one costs one, and none while the database's notices say that
    nothing the statements read has changed (nclw/change_notices.py). It is opened on first
    use in each process (after gunicorn forks), reopened once if the server dropped it, and
    closed when the app's engine is disposed.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self._connection = None
        self._pid = None
        self._lock = threading.Lock()
        self._kept = KeptRows()
        self._watched: dict[tuple, bool] = {}
        self.notices = ChangeNotices(self._connect)
        # This process's own commits count at once: their notices are on their way.
        event.listen(engine, "commit", lambda _connection: self.notices.changed())

    def fetch_batch(
        self, statements: Sequence[str], params: dict, moments: Moments | None, *, keep: bool
    ) -> list[list[tuple]]:
        """The rows of each statement: the rows kept if nothing they read has changed, else
        read (and kept if `keep`)."""
        key = tuple(statements)
        if keep and key not in self._watched:
            self._watched[key] = watched(statements)
        with self._lock:
            version = self.notices.version() if keep and self._watched[key] else None
            if version is not None:
                kept = self._kept.get(version, statements, params)
                if kept is not None:
                    return kept
            results = self._read(statements, params)
            if version is not None:
                self._kept.put(version, statements, params, results, moments)
            return results

    def _read(self, statements: Sequence[str], params: dict) -> list[list[tuple]]:
        """The rows of each statement, sent together in one round trip (psycopg's pipeline
        mode). Each is prepared on the server the first time this connection sends it, so
        later reads skip parsing and planning: the server shares the machine's cores."""
        driver = self.engine.dialect.loaded_dbapi
        queries = [re.sub(r":(\w+)", r"%(\1)s", statement) for statement in statements]
        for attempt in (1, 2):
            try:
                connection = self._open()
                with connection.pipeline():
                    cursors = [connection.cursor() for _query in queries]
                    for cursor, query in zip(cursors, queries, strict=True):
                        cursor.execute(query, params, prepare=True)
                return [cursor.fetchall() for cursor in cursors]
            except (
                driver.OperationalError,  # a restart or a dropped connection
                driver.InterfaceError,
                # A migration changed a table while this worker ran: a prepared `ev.*` may
                # not change its columns. A pooler dropped what we prepared.
                driver.errors.FeatureNotSupported,
                driver.errors.InvalidSqlStatementName,
            ):
                self._close()  # a fresh connection prepares the statements again
                if attempt == 2:
                    raise
        return []  # not reached

    def _connect(self):
        """A new autocommit driver connection to the app's database."""
        dialect = self.engine.dialect
        cargs, cparams = dialect.create_connect_args(self.engine.url)
        return dialect.loaded_dbapi.connect(*cargs, **cparams, autocommit=True)

    def _open(self):
        if self._connection is not None and self._pid != os.getpid():
            self._connection = None  # opened before a fork: the parent's, not ours to use
        if self._connection is None or self._connection.closed:
            self._connection = self._connect()
            self._pid = os.getpid()
        return self._connection

    def _close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def close(self) -> None:
        """Close this process's connections (the engine is being disposed)."""
        with self._lock:
            self._close()
            self._kept = KeptRows()
            # Stopped; a new one starts listening if the engine is used again.
            self.notices.close()
            self.notices = ChangeNotices(self._connect)


def _stamp_connection(engine) -> StampConnection:
    return _for_engine(engine, "nclw_stamp_connection", StampConnection)
