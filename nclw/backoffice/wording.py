"""The back office's words for counts and states, in the page's language.

The states are stored as machine values ("draft", "public_body"); a page shows them through
these, never the value itself, so a Welsh page never shows an English state.
"""

from __future__ import annotations

from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l

from nclw.accounts.models import Role
from nclw.events.models import EventStatus, OrganisationKind
from nclw.mail.models import MessageStatus

_EVENT_STATUS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}
_ORGANISATION_KIND = {
    OrganisationKind.CHARITY: _l("Charity"),
    OrganisationKind.COUNCIL: _l("Council"),
    OrganisationKind.EMPLOYER: _l("Employer"),
    OrganisationKind.PUBLIC_BODY: _l("Public body"),
}
_MAIL_STATUS = {
    MessageStatus.PENDING: _l("Pending"),
    MessageStatus.SENDING: _l("Sending"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}
_ROLE = {
    Role.ORGANISER: _l("organiser"),
    Role.PARTNER: _l("partner"),
    Role.DOOR_STAFF: _l("door staff"),
}


def event_status(status: EventStatus | str) -> str:
    """'Draft', 'Published' or 'Cancelled'."""
    return str(_EVENT_STATUS[EventStatus(status)])


def organisation_kind(kind: OrganisationKind | str) -> str:
    """'Charity', 'Council', 'Employer' or 'Public body'."""
    return str(_ORGANISATION_KIND[OrganisationKind(kind)])


def mail_status(status: MessageStatus | str) -> str:
    """'Pending', 'Sending', 'Sent' or 'Failed'."""
    return str(_MAIL_STATUS[MessageStatus(status)])


def role(value: Role | str) -> str:
    """'organiser', 'partner' or 'door staff', as an invitation lists it."""
    return str(_ROLE[Role(value)])


def organisation_kinds() -> list[tuple[str, object]]:
    """Every kind of organisation as (value, label), for a form's choices (labels lazy)."""
    return [(kind.value, label) for kind, label in _ORGANISATION_KIND.items()]


def places_taken(taken: int, capacity: int | None) -> str:
    """How full an event is: "3 of 10 places taken", or "3 tickets (no limit)"."""
    # Babel's ngettext fills `num` with the raw count; these fill their own, with separators.
    if capacity is None:
        return ngettext(
            "%(taken)s ticket (no limit)",
            "%(taken)s tickets (no limit)",
            taken,
            taken=format_number(taken),
        )
    # English says "places" even of one place, as the public pages do; a language whose
    # noun changes with the number chooses its form by the capacity.
    return ngettext(
        "%(taken)s of %(capacity)s places taken",
        "%(taken)s of %(capacity)s places taken",
        capacity,
        taken=format_number(taken),
        capacity=format_number(capacity),
    )
