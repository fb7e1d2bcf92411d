"""Putting a proposal's latest version beside an earlier one, for reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.events.details import WELSH_FIELDS, access_list
from nclw.events.models import Audience, EventFormat
from nclw.partners.models import PROPOSAL_FIELDS, Proposal, ProposalVersion
from nclw.timezones import format_moment

LABELS = {
    "title": _l("Session name"),
    "summary": _l("Summary"),
    "description": _l("About the session"),
    "title_cy": _l("Session name in Welsh"),
    "summary_cy": _l("Summary in Welsh"),
    "description_cy": _l("About the session in Welsh"),
    "highlights": _l("What people will get"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "format": _l("How people take part"),
    "venue_name": _l("Venue"),
    "address": _l("Address"),
    "online_url": _l("Joining link"),
    "capacity": _l("Number of places"),
    "audience": _l("Who it is for"),
    "min_age": _l("Youngest age"),
    "max_age": _l("Oldest age"),
    "access_features": _l("Access"),
    "safeguarding_lead": _l("Safeguarding lead"),
    "safeguarding_contact": _l("How to reach the safeguarding lead"),
    "staff_dbs_checked": _l("Staff DBS-checked"),
    "note_to_reviewers": _l("Note to reviewers"),
}


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    current: str
    earlier: str | None
    changed: bool


@dataclass(frozen=True)
class Comparison:
    current: ProposalVersion | None
    earlier: ProposalVersion | None
    choices: list[ProposalVersion]
    rows: list[Row]


def show_value(field: str, value: Any) -> str:
    """A snapshot value as a reviewer reads it."""
    if value is None or value == "":
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ("starts_at", "ends_at"):
        return format_moment(datetime.fromisoformat(value))
    if field == "access_features":
        return ", ".join(feature.label for feature in access_list(value))
    if field == "format":
        return EventFormat(value).label
    if field == "audience":
        return Audience(value).label
    return str(value)


def _saved(snapshot: dict[str, Any], field: str) -> Any:
    # A version saved before proposals had Welsh text had none: the same as an empty one.
    return snapshot.get(field, "" if field in WELSH_FIELDS else None)


def compare_versions(proposal: Proposal, *, against: int | None = None) -> Comparison:
    """The latest version's fields, each beside the chosen (or the previous) earlier version."""
    versions = proposal.versions
    current = versions[-1] if versions else None
    earlier_choices = versions[:-1]
    earlier = None
    if earlier_choices:
        by_number = {version.number: version for version in earlier_choices}
        earlier = by_number.get(against) if against else earlier_choices[-1]
        earlier = earlier or earlier_choices[-1]
    rows = []
    for field in PROPOSAL_FIELDS:
        now_value = _saved(current.snapshot, field) if current else getattr(proposal, field)
        if isinstance(now_value, datetime):
            now_value = now_value.isoformat()
        elif hasattr(now_value, "value"):
            now_value = now_value.value
        before = _saved(earlier.snapshot, field) if earlier else None
        rows.append(
            Row(
                field=field,
                label=str(LABELS[field]),
                current=show_value(field, now_value),
                earlier=show_value(field, before) if earlier else None,
                changed=bool(earlier) and before != now_value,
            )
        )
    return Comparison(current=current, earlier=earlier, choices=earlier_choices, rows=rows)
