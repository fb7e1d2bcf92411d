"""`flask db ...` run inside the test process.

The same Flask-Migrate command and the same migrations, on an app built from the same
environment as the subprocess would be. A `flask db` subprocess spent about 0.8 s of its
1.35 s starting Python and building the app before the first migration ran, and the suite
ran fifty of them. `tests/support/migrated.py` still makes the run's migrated database with
the real `flask db upgrade heads` command, and the upgrade from the previous release
(`tests/test_upgrade_ticket_links.py`) runs it too, so the command itself stays covered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from alembic.config import Config
from flask_migrate.cli import db as db_command

from nclw import create_app
from nclw.extensions import db, migrate


def _in_this_process(config: Config) -> Config:
    # migrations/env.py otherwise loads alembic.ini's logging set-up, which would hand the
    # root logger a handler bound to the stderr pytest captured for one test.
    config.attributes["configure_logger"] = False
    # Alembic's default is the sys.stdout of when it was imported; what the command prints
    # ("No new upgrade operations detected.") belongs in this command's output.
    config.stdout = sys.stdout
    return config


if _in_this_process not in migrate.configure_callbacks:
    migrate.configure_callbacks.append(_in_this_process)


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """The process environment with `env` on top, as the subprocess would have had it."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def flask_db(args: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `flask db ARGS` for `env`'s database here; raise with its output on failure."""
    # The whole command in that environment, as a migration may read it too.
    with _environment(env):
        app = create_app()
        try:
            result = app.test_cli_runner().invoke(db_command, list(args))
        finally:
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()
    command = ["flask", "db", *args]
    if result.exit_code != 0:
        failure = "".join(traceback.format_exception(result.exception))
        raise RuntimeError(
            f"{' '.join(command)} failed with status {result.exit_code}\n"
            f"--- output ---\n{result.output}\n--- exception ---\n{failure}"
        )
    return subprocess.CompletedProcess(command, 0, result.output, "")
