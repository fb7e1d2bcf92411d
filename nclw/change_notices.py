"""PostgreSQL tells each worker when a table a kept page reads has changed.

A trigger on each table in `WATCHED_TABLES` sends a notice on `CHANNEL` when a transaction
that wrote to it commits (notices in one transaction are folded into one). Each worker
process listens on a connection of its own, in a thread, and counts the notices: while
the count is unchanged, a stamp it read from those tables is the stamp it would read now
(nclw/stamp_reads.py), with no round trip to the database.

A change shows in other workers once its notice reaches them: the database sends it when
the writer commits, so within milliseconds. While the listener is not connected (starting,
or after the database dropped it) nothing is trusted, and everything is read again.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import threading
from collections.abc import Callable, Iterable

from sqlalchemy import event

from nclw.extensions import db

CHANNEL = "nclw_changes"
TRIGGER = "nclw_notify_change"

# The tables kept pages read their stamps from. A stamp that reads another table is never
# trusted without asking (`watched`); a table added here needs a migration adding its
# trigger (tests/postgres check both).
WATCHED_TABLES = frozenset(
    {"editions", "events", "organisations", "event_slots", "sign_up_questions", "questions"}
)

FUNCTION_DDL = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END $$
"""


def trigger_ddl(table: str) -> list[str]:
    """The statements that make `table` send a notice when a write to it commits.

    The trigger fires once per statement, and ALWAYS: also when replication or a bulk
    restore turns ordinary triggers off, since those writes change pages too.
    """
    return [
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {TRIGGER}",
    ]


def _install_triggers(metadata, connection, **_kw) -> None:
    """Add the triggers to a schema made by `create_all` (the migrations add them too)."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(FUNCTION_DDL)
    for table in sorted(WATCHED_TABLES & set(metadata.tables)):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        for statement in trigger_ddl(table):
            connection.exec_driver_sql(statement)


event.listen(db.metadata, "after_create", _install_triggers)

_TABLES_NAMED = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_]+)", re.IGNORECASE)
# `FROM a x, b`: a table the pattern above would not see. Such a statement is not trusted.
_COMMA_JOIN = re.compile(r"\bFROM\s+[a-z_]+(?:\s+(?!WHERE\b|JOIN\b)[a-z_]+)?\s*,", re.IGNORECASE)


def watched(statements: Iterable[str]) -> bool:
    """Whether every table the statements read sends a notice when it changes."""
    return all(
        not _COMMA_JOIN.search(statement)
        and {name.lower() for name in _TABLES_NAMED.findall(statement)} <= WATCHED_TABLES
        for statement in statements
    )


class ChangeNotices:
    """This process's count of the notices the database sent, from a listening thread.

    `version()` is None while the count cannot be trusted: the thread is not yet listening,
    or lost its connection, or a notice has arrived that the thread has not yet counted.
    Every reconnection counts as a change: notices sent while it was away were lost.
    """

    def __init__(self, connect: Callable) -> None:
        self._connect = connect  # a new autocommit driver connection
        self._lock = threading.Lock()
        self._count = 0
        self._socket: int | None = None
        self._pid: int | None = None
        self._stopping = threading.Event()

    def version(self) -> int | None:
        """The count of notices, or None when it says nothing about what has changed."""
        with self._lock:
            if self._pid != os.getpid():
                self._start()
                return None
            # Under the lock: the thread cannot close this socket, nor open another with
            # the same number, between the look at it and the count it goes with.
            if self._socket is None or _readable(self._socket):
                return None
            return self._count

    def changed(self) -> None:
        """Count a change this process made (its notice is on its way)."""
        with self._lock:
            self._count += 1

    def close(self) -> None:
        """Stop listening (the engine is being disposed); the thread closes its connection."""
        self._stopping.set()

    def _start(self) -> None:
        # First use in this process (a worker forked from a master has no thread of ours).
        self._pid, self._socket, self._stopping = os.getpid(), None, threading.Event()
        thread = threading.Thread(
            target=self._listen, args=(self._stopping,), name="nclw-change-notices", daemon=True
        )
        thread.start()

    def _listen(self, stopping: threading.Event) -> None:
        wait = 0.1
        while not stopping.is_set():
            try:
                connection = self._connect()
            except Exception:  # noqa: BLE001 - the database is away: try again shortly
                stopping.wait(wait)
                wait = min(wait * 2, 5.0)
                continue
            wait = 0.1
            try:
                connection.execute(f"LISTEN {CHANNEL}")
                with self._lock:
                    self._count += 1  # notices sent before this one listened were lost
                    self._socket = connection.pgconn.socket
                while not stopping.is_set():
                    for _notice in connection.notifies(timeout=1.0):
                        with self._lock:
                            self._count += 1
            except Exception:  # noqa: BLE001 - dropped: count a change, then listen again
                pass
            finally:
                with self._lock:
                    self._socket = None
                    self._count += 1
                with contextlib.suppress(Exception):
                    connection.close()


def _readable(socket: int) -> bool:
    """Whether a notice is waiting on the listening socket, not yet counted."""
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True  # closed under us: reconnecting
