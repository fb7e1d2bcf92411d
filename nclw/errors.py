"""Our exception types and the friendly HTTP error pages.

Also the one rule for a database that cannot take changes just now (read-only, or its disk
full): reading goes on, and every change is answered with 503, "try again in a few minutes",
with the form drawn again as it was typed wherever a view can, and a page showing what was
typed where it cannot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, after_this_request, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from nclw.extensions import db
from nclw.sqlite import refuses_writes


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


def required_text(text: str | None, missing: str) -> str:
    """Typed text with the spaces round it trimmed; with nothing left, `missing` is said."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(missing)
    return text


def one_line_text(
    text: str | None, missing: str, *, limit: int | None = None, too_long: str = ""
) -> str:
    """Typed text made one line, every run of spaces and line breaks one space: a name or a
    short reason. With nothing left, `missing` is said; longer than `limit`, `too_long`."""
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(missing)
    if limit is not None and len(text) > limit:
        raise InvalidInput(too_long)
    return text


#: How long to ask people (and programs) to wait before trying a change again.
RETRY_AFTER_SECONDS = 120

CANNOT_SAVE = _l(
    "We cannot save changes just now. Nothing you typed is lost. Please try again in a few minutes."
)


class CannotSaveNow(NclwError):
    """The database takes no changes for now (it is read-only, or its disk is full)."""

    status_code = 503

    def __init__(self, message: str = CANNOT_SAVE) -> None:
        super().__init__(str(message))  # worded now, in the language of the request


# PostgreSQL: read_only_sql_transaction (a standby, or default_transaction_read_only) and
# disk_full.
_POSTGRES_CANNOT_WRITE = {"25006", "53100"}
# For an error that carries no code: one made by hand, or by a driver that gives none.
_CANNOT_WRITE_WORDS = (
    "readonly database",
    "read-only transaction",
    "database or disk is full",
    "no space left on device",
)


def database_cannot_write(error: BaseException) -> bool:
    """True when the database refused a change because it is read-only or its disk is full.

    Reading still works then, and the same change works once an operator has made room or
    made the database writable again: it is a "try again later", never a fault of the site.
    """
    cause = error.orig if isinstance(error, DBAPIError) else error
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return refuses_writes(cause) or sqlite_code == sqlite3.SQLITE_FULL
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _POSTGRES_CANNOT_WRITE
    message = str(cause).lower()
    return any(words in message for words in _CANNOT_WRITE_WORDS)


def _drop_connections_that_cannot_write(context: ExceptionContext) -> None:
    # A connection opened while the database took no changes may go on refusing them for as
    # long as it lives (a PostgreSQL session begun read-only, an immutable SQLite file), even
    # one that has only read so far: the pool opens new ones, so saving works again as soon
    # as the database does.
    if database_cannot_write(context.original_exception):
        context.is_disconnect = True


@contextmanager
def database_writes() -> Iterator[None]:
    """Run a block that changes the database; if the database cannot take it, CannotSaveNow.

    The session is rolled back first. In a request the answer then says 503 with
    Retry-After, whatever page the view draws (its form again, with what was typed); only a
    redirect keeps its status, so that the message it flashed is shown where it leads.
    """
    try:
        yield
    except DBAPIError as error:
        if not database_cannot_write(error):
            raise
        db.session.rollback()
        if has_request_context():
            after_this_request(_ask_to_try_again_later)
        raise CannotSaveNow() from error


def _ask_to_try_again_later(response: Response) -> Response:
    if not 300 <= response.status_code < 400:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Never shown back: secrets (passwords, sign-in and recovery codes), and the form's own token.
_NOT_SHOWN = ("password", "token", "code")


def _typed_answers() -> list[tuple[str, str]]:
    """What a form sent, to show back so that nothing typed is lost (never a password)."""
    return [
        (name.replace("_", " ").capitalize(), value)
        for name, value in request.form.items(multi=True)
        # "y" and "on" are ticked boxes, not typing.
        if value.strip()
        and value not in ("y", "on")
        and not any(word in name.lower() for word in _NOT_SHOWN)
    ]


def _cannot_save_page():
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        message = _("We cannot save changes just now. Please try again in a few minutes.")
        return {"error": "unavailable", "message": message, "status": 503}, 503, headers
    page = render_template("errors/cannot_save.html", typed=_typed_answers())
    return page, 503, headers


def _from_email_link() -> bool:
    """Whether the address was one of the links we email: a ticket's, an offer's, a
    booking's or a survey's, each with its token. A missing one there may have been deleted."""
    return bool(request.view_args and "token" in request.view_args)


_TITLES = {
    400: _l("Something was wrong with that request"),
    403: _l("You cannot see this page"),
    404: _l("Page not found"),
    405: _l("That did not work"),
    409: _l("That could not be done"),
    413: _l("That was too much to send"),
    429: _l("Too many tries"),
    500: _l("Sorry, something went wrong on our side"),
}


def init_error_pages(app: Flask) -> None:
    """Show a plain-English page for every error, never a traceback."""
    if not event.contains(Engine, "handle_error", _drop_connections_that_cannot_write):
        event.listen(Engine, "handle_error", _drop_connections_that_cannot_write)

    @app.errorhandler(CSRFError)
    def csrf_expired(error: CSRFError):
        return render_template("errors/csrf.html", title=_("Please try again")), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:
            return error.response  # a page of its own, such as "signing in is paused"
        code = error.code or 500
        # What the error says beyond its page: a 405's Allow, for one (the page is ours).
        headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        if request.blueprint == "api" or request.path.startswith("/api/"):
            body = {"error": error.name, "message": error.description, "status": code}
            return body, code, headers
        title = _TITLES.get(code, error.name)
        page = render_template(
            "errors/error.html", code=code, title=title, from_email_link=_from_email_link()
        )
        return page, code, headers

    @app.errorhandler(NclwError)
    def rule_broken(error: NclwError):
        if request.path.startswith("/api/"):
            return {"error": "request", "message": error.message}, error.status_code
        return (
            render_template(
                "errors/error.html",
                code=error.status_code,
                title=error.message,
                from_email_link=_from_email_link(),
            ),
            error.status_code,
        )

    @app.errorhandler(CannotSaveNow)
    def cannot_save_now(error: CannotSaveNow):
        return _cannot_save_page()

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        # A database that cannot take changes, or a connection it dropped mid-request (a
        # restart, a failover): nothing was saved, and trying again in a moment will work.
        if not (database_cannot_write(error) or error.connection_invalidated):
            raise error  # a fault: logged, and answered by the 500 page below
        try:
            db.session.rollback()
        except DBAPIError:
            db.session().invalidate()
        app.logger.warning("Answered 503: the database could not be used (%s)", type(error.orig))
        return _cannot_save_page()

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
            message = _("Something went wrong on our side. Please try again later.")
            return {"error": "server", "message": message, "status": 500}, 500
        page = render_template("errors/error.html", code=500, title=_TITLES[500], plain=True)
        return page, 500
