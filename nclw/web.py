"""What every area's views share: running a service (for a form sent back, or a button that
must be confirmed), a page with a form and its status, a lookup that found nothing as a 404,
a file to download, and reading numbers from a request.

A number typed into a web address or a query string can be any length. The database's id and
year columns hold 32-bit integers; a bigger number sent to PostgreSQL is an error, not "no
such row". These read numbers the columns can hold and treat the rest as not found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, abort, flash, render_template, request
from werkzeug.routing import IntegerConverter

from nclw.errors import NclwError, database_writes
from nclw.extensions import db
from nclw.forms import ConfirmForm

T = TypeVar("T")

#: The largest value an INTEGER column holds (PostgreSQL's, and so ours on every database).
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in our URLs: a number an id column can hold; anything larger is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False) -> None:  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def query_int(name: str, default: int | None = None) -> int | None:
    """A whole number from the query string; `default` if it is missing, malformed or too big."""
    value = request.args.get(name, type=int)
    if value is None or not 0 <= value <= LARGEST_ID:
        return default
    return value


def database_ids(values: Iterable[str]) -> list[int]:
    """The values that are ids a column can hold (others cannot name a row, so are dropped)."""
    # isascii(): str.isdigit() also accepts digits like "²" that int() refuses.
    return [
        int(value)
        for value in values
        if value.isascii() and value.isdigit() and int(value) <= LARGEST_ID
    ]


@dataclass(frozen=True)
class Outcome:
    """What `run_service` did: `ok` when the service agreed, with what it returned, or the
    refusal when it did not."""

    ok: bool
    value: Any = None
    error: NclwError | None = None


def run_service(
    action: Callable[[], Any],
    success: str | Callable[[Any], str] | None,
    *,
    errors: list[str] | None = None,
    then: Callable[[Any], Any] | None = None,
) -> Outcome:
    """The one way a view changes something: call the service, then commit or roll back.

    On success the change is committed, `then` runs with the service's result (signing in,
    say, which starts a new login session), and `success` is flashed: a message, or a
    function that makes one from the result, or None for a page that says it itself. A
    refusal (`NclwError`) rolls everything back; its message goes to `errors` (a form's list,
    shown with the form drawn again) or, without one, is flashed. A database that cannot
    take the change just now (read-only, or full) is such a refusal too, answered with 503.
    """
    try:
        with database_writes():
            value = action()
            db.session.commit()
    except NclwError as error:
        db.session.rollback()
        if errors is None:
            flash(error.message, "error")
        else:
            errors.append(error.message)
        return Outcome(ok=False, error=error)
    if then is not None:
        then(value)
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(ok=True, value=value)


def run_form(
    form,
    action: Callable[[], Any],
    success: str | Callable[[Any], str] | None,
    *,
    then: Callable[[Any], Any] | None = None,
) -> Outcome:
    """`run_service` for a form sent back valid, its refusal shown on the form.

    A form not sent, or sent with problems, runs nothing: not `ok`, with no error.
    """
    if not form.validate_on_submit():
        return Outcome(ok=False)
    return run_service(action, success, errors=form.form_errors, then=then)


def confirm_or_400() -> None:
    """A button that changes something posts a `ConfirmForm`; without its token, a 400."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def form_page(template: str, form, /, **context: Any) -> tuple[str, int]:
    """A page showing `form`, with the status `form_status` gives it."""
    # Positional only: a page may want a variable called `template` (a message template).
    return render_template(template, form=form, **context), form_status(form)


def form_status(form) -> int:
    """The status of a page showing a form: 400 for one sent back with problems, else 200."""
    # A form sent back with problems is a client error; a fresh form is a plain 200.
    return 400 if form.is_submitted() else 200


def or_404(found: T | None) -> T:
    """What a lookup found; nothing found is a 404."""
    if found is None:
        abort(404)
    return found


def attachment(body: Any, filename: str, mimetype: str, *, no_store: bool = False) -> Response:
    """A file the browser saves as `filename`: bytes, or chunks to stream.

    `no_store` for a file with someone's details in it: no cache on the way keeps a copy.
    """
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if no_store:
        headers["Cache-Control"] = "no-store"
    return Response(body, mimetype=mimetype, headers=headers)
