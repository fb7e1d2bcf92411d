"""Our exception types and the friendly HTTP error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from nclw.extensions import db


class NclwError(Exception):
    """A rule was broken; the message is safe to show to the person who tried."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(NclwError):
    """The action is not allowed in the current state (closed, cancelled, full...)."""

    status_code = 409


class NeedsConfirmation(NotAllowed):
    """The action can go ahead only once the person says yes a second time; the message asks."""


class Forbidden(NclwError):
    """The actor may not do this."""

    status_code = 403


class InvalidInput(NclwError):
    """The input does not fit the rules (as opposed to its shape, which forms check)."""

    status_code = 400


_TITLES = {
    400: "Something was wrong with that request",
    403: "You cannot see this page",
    404: "Page not found",
    405: "That did not work",
    409: "That could not be done",
    413: "That was too much to send",
    429: "Too many tries",
    500: "Sorry, something went wrong on our side",
}


def init_error_pages(app: Flask) -> None:
    """Show a plain-English page for every error, never a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_expired(error: CSRFError):
        return render_template("errors/csrf.html", title="Please try again"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # What the error says beyond its page: a 405's Allow, for one (the page is ours).
        headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        if request.blueprint == "api" or request.path.startswith("/api/"):
            body = {"error": error.name, "message": error.description, "status": code}
            return body, code, headers
        title = _TITLES.get(code, error.name)
        return render_template("errors/error.html", code=code, title=title), code, headers

    @app.errorhandler(NclwError)
    def rule_broken(error: NclwError):
        if request.path.startswith("/api/"):
            return {"error": "request", "message": error.message}, error.status_code
        return (
            render_template("errors/error.html", code=error.status_code, title=error.message),
            error.status_code,
        )

    @app.errorhandler(500)
    def server_error(error):
        # The request may have broken the database session (a failed flush) or the database
        # may be gone. Drop the session's work and draw the page from nothing but the
        # template: no signed-in menu, which would read the user from the database again.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the page must still be shown
            app.logger.exception("Rolling back after an error failed too")
        if request.path.startswith("/api/"):
            message = "Something went wrong on our side. Please try again later."
            return {"error": "server", "message": message, "status": 500}, 500
        page = render_template("errors/error.html", code=500, title=_TITLES[500], plain=True)
        return page, 500
