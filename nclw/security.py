"""Response headers that every page carries, and the production hardening switches."""

from __future__ import annotations

from flask import Flask, Response, request

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

# Pages with personal details must not be kept by browsers or shared caches.
PRIVATE_PREFIXES = ("/tickets/", "/admin", "/partner", "/account", "/dev/")
PRIVATE_MIMETYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app: Flask) -> None:
    """Add security headers to every response; never show tracebacks outside development."""
    development = bool(app.config.get("DEVELOPMENT"))
    if not development:
        # FLASK_DEBUG=1 left in a production environment must not turn on the debugger.
        app.debug = False
        app.config["PROPAGATE_EXCEPTIONS"] = bool(app.config.get("TESTING"))

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not development:
            headers.setdefault("Strict-Transport-Security", HSTS)
        # Answers to a form post echo what was typed (names, emails), so they are private too.
        if (
            request.path.startswith(PRIVATE_PREFIXES)
            or request.method not in ("GET", "HEAD")
            or response.mimetype in PRIVATE_MIMETYPES
        ):
            headers["Cache-Control"] = "no-store"
        return response
