"""Response headers that every page carries, and the production hardening switches."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, Response, abort, make_response, request
from werkzeug.datastructures import ImmutableMultiDict

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# Pages with personal details, or a secret in the address (a ticket's link, an invitation),
# must not be listed by search engines (nor kept by any cache: nclw/http_cache.py).
PRIVATE_PREFIXES = ("/tickets/", "/admin", "/partner", "/account", "/dev/", "/sign-in")
# No page may use the camera, microphone or location, except one that asks for the camera
# below (the check-in desk's ticket scanner), and then only for this site itself.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
PERMISSIONS_POLICY_WITH_CAMERA = "camera=(self), microphone=(), geolocation=()"
F = TypeVar("F", bound=Callable)
HSTS = "max-age=31536000; includeSubDomains"
# C0 control characters other than tab, line feed and carriage return, and DEL. Nobody types
# them; PostgreSQL refuses NUL in text outright, and the others break emails and exports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_controls(values: ImmutableMultiDict) -> ImmutableMultiDict | None:
    """A copy of `values` with control characters removed, or None when there were none."""
    if not any(CONTROL_CHARACTERS.search(value) for value in values.values()):
        return None
    return ImmutableMultiDict(
        [(key, CONTROL_CHARACTERS.sub("", value)) for key, value in values.items(multi=True)]
    )


def clean_request_text() -> None:
    """Drop control characters from form fields and the query string before any view sees them."""
    if "\x00" in request.path:
        abort(404)  # no address of ours contains NUL, and PostgreSQL cannot even look it up
    cleaned_args = _without_controls(request.args)
    if cleaned_args is not None:
        request.args = cleaned_args
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        cleaned_form = _without_controls(request.form)
        if cleaned_form is not None:
            request.form = cleaned_form


def uses_camera(view: F) -> F:
    """Let this page's own scripts ask for the camera (the person is still asked first)."""

    @wraps(view)
    def with_camera(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY_WITH_CAMERA
        return response

    return with_camera  # type: ignore[return-value]


def init_security(app: Flask) -> None:
    """Add security headers to every response; never show tracebacks outside development."""
    development = bool(app.config.get("DEVELOPMENT"))
    if not development:
        # FLASK_DEBUG=1 left in a production environment must not turn on the debugger.
        app.debug = False
        app.config["PROPAGATE_EXCEPTIONS"] = bool(app.config.get("TESTING"))

    app.before_request(clean_request_text)

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not development:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith(PRIVATE_PREFIXES):
            headers["X-Robots-Tag"] = "noindex, nofollow"
        # Who may keep a response (Cache-Control) is nclw/http_cache.py's to say.
        return response
