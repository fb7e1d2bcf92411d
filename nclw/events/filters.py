"""The week page's filters, read from its query string. Pure: no database, no request."""

from __future__ import annotations

from dataclasses import dataclass

from nclw.events.details import AccessFeature
from nclw.events.models import Audience, EventFormat


@dataclass(frozen=True)
class WeekFilters:
    """Filters from the week page's query string; unknown values are ignored."""

    format: EventFormat | None = None
    audience: Audience | None = None
    access: AccessFeature | None = None

    @classmethod
    def from_args(cls, args) -> WeekFilters:
        fmt = args.get("format", "")
        audience = args.get("audience", "")
        access = args.get("access", "")
        return cls(
            format=EventFormat(fmt) if fmt in EventFormat._value2member_map_ else None,
            audience=Audience(audience) if audience in Audience._value2member_map_ else None,
            access=AccessFeature(access) if access in AccessFeature._value2member_map_ else None,
        )
