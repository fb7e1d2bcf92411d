"""A database the real migrations built, made once for the run and copied for each test.

The concurrency proofs, drills and proxy tests each need a database migrated to this code's
heads, served by other processes. Each ran `flask db upgrade heads` for itself: about two
seconds of a new process and every migration, a dozen times a run. An empty SQLite file is
now a copy of one that command migrated once for the whole run (shared by the pytest-xdist
workers, the first to need it making it while the others wait on a lock). On PostgreSQL,
`migrated_postgres` gives a throwaway database made from a template the command migrated
once in this process (`CREATE DATABASE ... TEMPLATE`). Any other database, and that
template, is migrated by the same command run in this process (`tests/support/flask_db.py`).
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.support.database import sqlite_path
from tests.support.flask_db import flask_db
from tests.support.live_server import run_flask
from tests.support.postgres import drop_database, postgres_url, require_server, throwaway_database

_shared: Path | None = None
# This process's PostgreSQL template: a copy is made while nobody is connected to it, which
# another xdist worker's copy at the same moment would not allow.
_postgres_template: str | None = None


def share_in(folder: Path | None) -> None:
    """Keep the run's migrated database in `folder` (None: make none, migrate each time, and
    drop this process's PostgreSQL template)."""
    global _shared, _postgres_template
    _shared = folder
    if folder is None and _postgres_template is not None:
        drop_database(_postgres_template)
        _postgres_template = None


def upgrade_to_heads(env: Mapping[str, str]) -> None:
    """Migrate `env`'s database to this code's heads, as `flask db upgrade heads` does."""
    path = sqlite_path(env["DATABASE_URL"])
    if _shared is None or path is None or (path.exists() and path.stat().st_size > 0):
        flask_db(["upgrade", "heads"], env)
        return
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated(env), path)


def _migrated(env: Mapping[str, str]) -> Path:
    assert _shared is not None
    folder = _shared / "migrated"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "migrated.sqlite"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready = folder / "ready"
        if not ready.exists():
            database.unlink(missing_ok=True)
            own = {
                **env,
                "DATABASE_URL": f"sqlite:///{database}",
                "NCLW_INSTANCE_PATH": str(folder),
            }
            # The real command, once a run: what `make run` and an upgrade do.
            run_flask(["db", "upgrade", "heads"], own)
            # The command has exited, so its write-ahead log is folded into the file.
            assert not Path(f"{database}-wal").exists(), "the migrated database was left mid-write"
            ready.touch()
    return database


@contextmanager
def migrated_postgres(env: Mapping[str, str]) -> Iterator[str]:
    """The URL of a throwaway PostgreSQL database at this code's heads, dropped after the
    block. `env` is how to run `flask` (its DATABASE_URL is replaced)."""
    global _postgres_template
    require_server()
    if _postgres_template is None or _shared is None:
        template = postgres_url()
        try:
            flask_db(["upgrade", "heads"], {**env, "DATABASE_URL": template})
        except BaseException:
            drop_database(template)
            raise
        if _shared is None:  # no run to keep it for
            try:
                yield template
            finally:
                drop_database(template)
            return
        _postgres_template = template
    with throwaway_database(template=_postgres_template) as url:
        yield url
