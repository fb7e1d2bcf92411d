"""The WSGI entry point: `gunicorn wsgi:app` (and `flask --app wsgi ...`)."""

import atexit
import gc

from nclw import create_app
from nclw.extensions import db

app = create_app()


@atexit.register
def _close_database_connections() -> None:
    # The pool is frozen below, so it is never collected: without this, its connections would
    # be left for the operating system to drop, and a SQLite file would keep its write-ahead
    # log beside it (the rows are safe in it, but a copy of the file alone would miss them).
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


# Everything made so far lives as long as the process. Frozen, the garbage collector stops
# walking it: forked workers keep sharing its memory pages instead of copying them when a
# collection touches them, a collection in a worker costs less, and the process exits in a
# tenth of the time (the last collection at exit walked it all, for about half a second).
gc.freeze()
