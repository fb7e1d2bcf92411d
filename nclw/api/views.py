"""Open data about the week's published events, for partners' own sites."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from nclw.api import openapi, serialise
from nclw.events import services
from nclw.events.models import Audience, EventFormat
from nclw.timezones import utcnow

bp = Blueprint("api", __name__, url_prefix="/api")

SLUG = re.compile(openapi.SLUG_PATTERN)
KNOWN_PARAMS = {"format", "audience", "year"}


class BadRequest(Exception):
    """A malformed request: answered as JSON with a 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@bp.errorhandler(BadRequest)
def bad_request(error: BadRequest):
    return error_response(400, "bad_request", error.message)


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    """The one error shape the API uses (described in the OpenAPI document)."""
    return jsonify(error=code, message=message, status=status), status


@bp.after_app_request
def allow_other_origins(response: Response) -> Response:
    # Read-only open data: any site may fetch it from a browser. No cookies are involved.
    # App-wide so that unknown /api/ addresses (which match no API route) answer the same way.
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _choice(name: str, enum_class) -> object | None:
    value = request.args.get(name)
    if value is None:
        return None
    if value not in enum_class._value2member_map_:
        allowed = ", ".join(member.value for member in enum_class)
        raise BadRequest(_("'%(name)s' must be one of: %(allowed)s.", name=name, allowed=allowed))
    return enum_class(value)


def _year() -> int | None:
    value = request.args.get("year")
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}", value):
        raise BadRequest(_("'year' must be a four-digit year, like 2026."))
    return int(value)


@bp.get("/events")
def events():
    """List the published events of the current week (or of a given year)."""
    # Unknown parameters are ignored: sites often add their own, such as cache-busters.
    for name in KNOWN_PARAMS & set(request.args):
        if len(request.args.getlist(name)) > 1:
            raise BadRequest(_("Give '%(name)s' only once.", name=name))
    filters = services.WeekFilters(
        format=_choice("format", EventFormat), audience=_choice("audience", Audience)
    )
    now = utcnow()
    year = _year()
    edition = (
        services.edition_for_year(year) if year else services.current_edition(today=now.date())
    )
    if year and edition is None:
        return error_response(404, "not_found", _("There is no week in %(year)s.", year=year))
    found = services.published_events(edition, filters) if edition else []
    return jsonify(
        edition=serialise.edition(edition) if edition else None,
        events=[serialise.event(event, now=now) for event in found],
    )


@bp.get("/events/<path:slug>")
def event(slug: str):
    """One published (or cancelled) event."""
    if not SLUG.fullmatch(slug):
        raise BadRequest(_("That is not an event address: use lowercase letters, digits and '-'."))
    found = services.get_public_event(slug)
    if found is None:
        return error_response(404, "not_found", _("There is no published event at that address."))
    return jsonify(serialise.event(found, now=utcnow()))


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi.document())
