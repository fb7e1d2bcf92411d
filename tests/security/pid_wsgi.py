"""The real app, each response naming the worker process that served it.

`gunicorn tests.security.pid_wsgi:app`: the rate-limit test uses the header to show that
both workers answered, so a limit that held was shared between processes.
`TEST_RATELIMIT_KEY_PREFIX` keeps one run's counters apart from anything else in Redis.
"""

from __future__ import annotations

import os

from flask import Response

from nclw import create_app

app = create_app({"RATELIMIT_KEY_PREFIX": os.environ.get("TEST_RATELIMIT_KEY_PREFIX", "")})


@app.after_request
def _name_the_worker(response: Response) -> Response:
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response
