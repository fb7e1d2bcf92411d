"""The app as production serves it, plus a bare Flask "hello" at /__hello/ for comparison.

Both answer from the same gunicorn workers, so the ratio between them measures our code,
not the machine, the server or the load generator.
"""

from __future__ import annotations

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.hello import hello
from nclw import create_app

nclw_app = create_app()
app = DispatcherMiddleware(nclw_app, {"/__hello": hello})
