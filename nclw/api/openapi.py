"""The OpenAPI 3 description of the open-data API, kept beside the code it describes."""

from __future__ import annotations

from typing import Any

from flask import current_app

from nclw.events import slugs
from nclw.events.models import Audience, EventFormat, EventStatus

NULLABLE_STRING = {"type": ["string", "null"]}
# nclw.api.views.SLUG answers anything else with a 400.
SLUG_PATTERN = f"^{slugs.PATTERN}$"

ERROR = {
    "type": "object",
    "required": ["error", "message", "status"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
    },
}

EDITION = {
    "type": "object",
    "required": ["year", "theme", "starts_on", "ends_on"],
    "additionalProperties": False,
    "properties": {
        "year": {"type": "integer"},
        "theme": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
    },
}

EVENT_PROPERTIES: dict[str, Any] = {
    "slug": {"type": "string", "pattern": SLUG_PATTERN},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "description": {"type": "string"},
    "title_cy": {**NULLABLE_STRING, "description": "In Welsh; null where there is none."},
    "summary_cy": {**NULLABLE_STRING, "description": "In Welsh; null where there is none."},
    "description_cy": {**NULLABLE_STRING, "description": "In Welsh; null where there is none."},
    "highlights": {"type": "array", "items": {"type": "string"}},
    "status": {
        "type": "string",
        "enum": [EventStatus.PUBLISHED.value, EventStatus.CANCELLED.value],
        "description": "Cancelled events stay listed so sites can say so.",
    },
    "cancel_reason": NULLABLE_STRING,
    "starts_at": {"type": "string", "format": "date-time", "description": "UTC"},
    "ends_at": {"type": "string", "format": "date-time", "description": "UTC"},
    "when": {"type": "string", "description": "In words, on a UK clock."},
    "format": {"type": "string", "enum": [f.value for f in EventFormat]},
    "audience": {"type": "string", "enum": [a.value for a in Audience]},
    "ages": {
        "type": "object",
        "description": "Who may come, by age. Sign-up asks one yes/no question for it.",
        "required": ["min", "max", "in_words"],
        "additionalProperties": False,
        "properties": {
            "min": {"type": "integer", "minimum": 16},
            "max": {"type": ["integer", "null"], "description": "null: no upper limit"},
            "in_words": {"type": "string", "description": "For example '18 and over'."},
        },
    },
    "venue_name": NULLABLE_STRING,
    "address": NULLABLE_STRING,
    "host": {
        "type": "object",
        "required": ["name", "website"],
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "website": NULLABLE_STRING},
    },
    "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "null: no limit"},
    "places_left": {"type": ["integer", "null"], "minimum": 0, "description": "null: no limit"},
    "availability": {"type": "string", "description": "For example '12 places left'."},
    "url": {"type": "string", "format": "uri"},
    "sign_up_url": {"type": "string", "format": "uri"},
    "calendar_url": {"type": "string", "format": "uri"},
}

EVENT = {
    "type": "object",
    "required": sorted(EVENT_PROPERTIES),
    "additionalProperties": False,
    "properties": EVENT_PROPERTIES,
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document() -> dict[str, Any]:
    """The whole description, with this site's address as the server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "National Care Leavers' Week events",
            "version": "1.0.0",
            "description": (
                "The week's published events, free to show on your own site. "
                "No personal data. Any origin may read it (CORS)."
            ),
        },
        "servers": [{"url": current_app.config["SITE_URL"]}],
        "paths": {
            "/api/events": {
                "get": {
                    "operationId": "listEvents",
                    "summary": "Published events of the current week, in time order",
                    "parameters": [
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "description": "Events people can join this way: online and "
                            "in_person each include hybrid events.",
                            "schema": {"type": "string", "enum": [f.value for f in EventFormat]},
                        },
                        {
                            "name": "audience",
                            "in": "query",
                            "required": False,
                            "description": "Events this audience can go to: care_experienced "
                            "and professionals each include events for everyone.",
                            "schema": {"type": "string", "enum": [a.value for a in Audience]},
                        },
                        {
                            "name": "year",
                            "in": "query",
                            "required": False,
                            "description": "A past or future week instead of the current one.",
                            "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The week and its events",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["edition", "events"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "edition": {
                                                "oneOf": [
                                                    {"$ref": "#/components/schemas/Edition"},
                                                    {"type": "null"},
                                                ]
                                            },
                                            "events": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Event"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error_response("A query parameter was not valid"),
                        "404": _error_response("There is no week in that year"),
                    },
                }
            },
            "/api/events/{slug}": {
                "get": {
                    "operationId": "getEvent",
                    "summary": "One published or cancelled event",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": SLUG_PATTERN},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The event",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Event"}
                                }
                            },
                        },
                        "400": _error_response("That is not an event address"),
                        "404": _error_response("No published event has that address"),
                    },
                }
            },
        },
        "components": {"schemas": {"Error": ERROR, "Edition": EDITION, "Event": EVENT}},
    }
