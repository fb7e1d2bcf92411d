"""/healthz, /readyz and /metrics: for the uptime monitor and the metrics scraper."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from nclw import metrics
from nclw.extensions import csrf, limiter
from nclw.ops.figures import DatabaseFigures
from nclw.ops.health import readiness
from nclw.timezones import utcnow

bp = Blueprint("ops", __name__)
# Polled every few seconds by machines: never rate-limited, never a form.
limiter.exempt(bp)
csrf.exempt(bp)


@bp.after_request
def _never_kept(response: Response) -> Response:
    # A cached "ready" would hide the moment the site stops being ready.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers (nothing else is checked: that is /readyz)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready to take sign-ups: 200 with every check, or 503 saying which failed."""
    result = readiness(now=utcnow())
    return result.as_json(), 200 if result.ready else 503


@bp.get("/metrics")
def prometheus_metrics():
    """Prometheus's text format, for a scraper that sends the metrics token."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(404)  # as if there were no such page: a stranger learns nothing
    body = metrics.exposition(DatabaseFigures(now=utcnow()))
    return Response(body, content_type=CONTENT_TYPE_LATEST)
