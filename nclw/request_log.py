"""One log line per request, with an id the person can quote and the logs can be searched by.

A line names the route (`registrations.ticket`), never the path: a path can hold a ticket's
token or an email link's, and a query string can hold what someone typed. The id comes back
in `X-Request-ID`, and the error page shows it, so "it broke" can be matched to its line.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time

from flask import Flask, Response, g, request

from nclw import metrics


class _RequestLogger(logging.Logger):
    """The request log: every line comes from `log_request`, so there is no need to walk the
    stack to find where (the standard logger does that for every line)."""

    def findCaller(self, stack_info=False, stacklevel=1):  # noqa: N802 - logging's name
        return (__file__, 0, "log_request", None)


class _LineFormatter(logging.Formatter):
    """`%(asctime)s %(levelname)s %(message)s`, with the time's text made once a second
    rather than for every line: kept pages are answered in a fraction of a millisecond."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return self.time_text(record.created)

    def time_text(self, created: float) -> str:
        """`created` as logging's default time format writes it, with milliseconds."""
        second, text = self._second
        if second != int(created):
            second = int(created)
            text = time.strftime(self.default_time_format, self.converter(second))
            self._second = (second, text)
        return self.default_msec_format % (text, int((created - int(created)) * 1000))


class _LineHandler(logging.StreamHandler):
    """The request log's own handler, which can also write a line without a log record.

    A kept page is answered in about a tenth of a millisecond, and making a record costs a
    third of that; `write_line` writes what the record would have given, when nothing but
    this handler would see it (see `_plain`).
    """

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.setFormatter(_LineFormatter())

    def write_line(self, message: str) -> None:
        formatter = self.formatter
        now = time.time()
        if self.level > logging.INFO or self.filters or not isinstance(formatter, _LineFormatter):
            LOG.info("%s", message)
            return
        text = f"{formatter.time_text(now)} INFO {message}{self.terminator}"
        with self.lock:
            try:
                self.stream.write(text)
                self.flush()
            except Exception:  # noqa: BLE001 - as logging.Handler.handleError would
                self.handleError(logging.makeLogRecord({"msg": message}))


def _plain(logger: logging.Logger) -> bool:
    """Whether an INFO line of `logger` goes to its own handlers only, unfiltered, as set up
    by `init_request_log` (with propagation on, the root has no handler to give it to)."""
    if logger.disabled or logger.filters or not logger.isEnabledFor(logging.INFO):
        return False
    parent = logger.parent if logger.propagate else None
    while parent is not None:
        if parent.handlers:
            return False
        parent = parent.parent if parent.propagate else None
    return True


_OWN_HANDLER: _LineHandler | None = None


def _request_logger() -> logging.Logger:
    # Made with our class, through logging's own manager; one made already (by a logging
    # configuration read before this module) is kept as it is.
    manager = logging.Logger.manager
    before = manager.loggerClass
    manager.setLoggerClass(_RequestLogger)
    try:
        return logging.getLogger("nclw.requests")
    finally:
        manager.loggerClass = before


LOG = _request_logger()

# An id from a proxy in front (nginx's $request_id) is kept if it looks like one; anything
# else is replaced, so a client cannot write what it likes into the logs.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def id_from(given: str | None) -> str:
    """The id a proxy gave, if it looks like one; otherwise a new one."""
    # 32 random hex digits, as uuid4().hex wrote them, at a fifth of the cost: a kept page's
    # whole answer takes about a tenth of a millisecond.
    return given if given and _GOOD_ID.match(given) else os.urandom(16).hex()


def request_id() -> str:
    """This request's id."""
    if "request_id" not in g:
        g.request_id = id_from(request.headers.get("X-Request-ID"))
    return g.request_id


def log_request(
    *, request_id: str, method: str, endpoint: str, status: int, seconds: float
) -> None:
    """Count a finished request and write its one line (also for answers outside Flask)."""
    metrics.child(metrics.REQUESTS, endpoint, method, str(status)).inc()
    metrics.child(metrics.REQUEST_SECONDS, endpoint).observe(seconds)
    if status == 429:
        metrics.child(metrics.RATE_LIMIT_REFUSALS, endpoint).inc()
    line = (
        f"request id={request_id} method={method} route={endpoint} status={status}"
        f" ms={seconds * 1000:.1f}"
    )
    if _OWN_HANDLER is not None and LOG.handlers == [_OWN_HANDLER] and _plain(LOG):
        _OWN_HANDLER.write_line(line)
    else:
        LOG.info("%s", line)


def route_name() -> str:
    """The route's name for logs and metrics, or a placeholder where none matched."""
    if request.url_rule is not None:
        return request.endpoint or request.url_rule.rule
    return "unmatched"


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    response.headers["X-Request-ID"] = request_id()
    log_request(
        request_id=request_id(),
        method=request.method,
        endpoint=route_name(),
        status=response.status_code,
        seconds=seconds,
    )
    return response


def _log_exception(app: Flask, exc_info) -> None:
    # Flask's own line names the path, which can hold a token: name the route and id instead.
    app.logger.error(
        "Error answering request id=%s method=%s route=%s",
        request_id(),
        request.method,
        route_name(),
        exc_info=exc_info,
    )


def init_request_log(app: Flask) -> None:
    """Log every request in one line, with its id, and count it for the metrics."""
    app.before_request(_start)
    app.after_request(_finish)
    app.log_exception = lambda exc_info: _log_exception(app, exc_info)  # type: ignore[method-assign]
    global _OWN_HANDLER
    if not LOG.handlers:
        _OWN_HANDLER = _LineHandler(sys.stderr)
        LOG.addHandler(_OWN_HANDLER)
        LOG.setLevel(logging.INFO)
        LOG.propagate = True
