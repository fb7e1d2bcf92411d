"""The app as production serves it, plus a bare Flask "hello" at /__hello/ for comparison.

Both answer from the same gunicorn workers, so the ratio between them measures our code,
not the machine, the server or the load generator.

`/__floor/` is a form POST that our app answers without doing anything: it pays for what
every POST of ours pays for before and after its view (the session cookie, the CSRF token,
security and caching headers, the request log line) and nothing else. Sent the sign-up's
own forms, it splits a sign-up's cost into that floor and the sign-up's own work.
"""

from __future__ import annotations

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.hello import FLOOR_PATH, hello
from nclw import create_app

nclw_app = create_app()
nclw_app.add_url_rule(FLOOR_PATH, "bench_floor", lambda: "Saved", methods=["POST"])
app = DispatcherMiddleware(nclw_app, {"/__hello": hello})
