"""gunicorn settings, read when gunicorn is started from this folder (`gunicorn wsgi:app`).

Command-line options still win, so `--workers 4 --bind ...` from the README apply as given.
"""

import gc
import os

# Load the app once in the master and fork the workers from it. A worker then starts in a few
# milliseconds instead of importing and building the app again (about a second of CPU each),
# and the workers share the app's memory until they write to it. A code change still needs a
# full restart, as it does without this setting.
preload_app = True


def post_fork(server, worker):
    """Give each worker its own database connections.

    Nothing connects while the app is built, but should a connection ever be opened in the
    master, a pooled connection shared by forked workers would mix their conversations with
    the database. SQLAlchemy's advice for forked processes: drop the inherited pool without
    closing it, so the parent's connection is left alone.
    """
    _dispose_engines(server.app.wsgi(), close=False)


def worker_exit(server, worker):
    """Close the worker's database connections as it exits. The master froze the app (see
    when_ready), so its pool is never collected, and nothing else would close them: a SQLite
    file would keep its write-ahead log beside it."""
    _dispose_engines(server.app.wsgi(), close=True)


def _dispose_engines(app, *, close):
    app = getattr(app, "app", app)  # the app itself, inside a wrapper (bench/wsgi.py)
    sqlalchemy = getattr(app, "extensions", {}).get("sqlalchemy")
    if sqlalchemy is None:
        return
    with app.app_context():
        for engine in sqlalchemy.engines.values():
            engine.dispose(close=close)


def when_ready(server):
    """Before the workers are forked: compile the templates and load the translations once,
    for all of them (nclw.templating.warm), freeze what the master holds, and say when the
    workers cannot share their rate limits."""
    from nclw.templating import warm

    app = server.app.wsgi() if server.cfg.preload_app else None  # else each worker loads it
    if hasattr(app, "jinja_env"):  # the app itself, not a wrapper (bench/wsgi.py)
        warm(app)
    elif hasattr(getattr(app, "app", None), "jinja_env"):
        warm(app.app)
    # The app, its templates and its translations live as long as the workers: frozen, no
    # collection in a worker walks them (see wsgi.py), so the workers share their pages.
    gc.freeze()
    store = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    limits_on = os.environ.get("RATELIMIT_ENABLED", "1").lower() not in ("0", "false", "no")
    if limits_on and server.cfg.workers > 1 and store.startswith("memory://"):
        server.log.warning(
            "Rate limits are kept in each worker's memory (RATELIMIT_STORAGE_URI=%s), so each "
            "of the %d workers counts alone and the limits are per process. Set "
            "RATELIMIT_STORAGE_URI=redis://... to share them.",
            store,
            server.cfg.workers,
        )


def child_exit(server, worker):
    """A worker that has gone stops counting in the shared metrics folder."""
    from nclw.metrics import mark_worker_gone

    mark_worker_gone(worker.pid)
