"""The back office's words for counts and states, in the page's language.

The states are stored as machine values ("draft", "public_body"); a page shows them through
these, never the value itself, so a Welsh page never shows an English state.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from nclw.accounts.models import Role
from nclw.events.details import places_taken
from nclw.events.models import Event, EventStatus, OrganisationKind
from nclw.mail.models import MessageStatus
from nclw.registrations.supporters import PlacesTaken
from nclw.timezones import format_moment

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


def sign_up_window(event: Event, *, now: datetime) -> tuple[str, str]:
    """When sign-up opens and closes, as the event's page says it: in the past tense once it
    has happened, so a published event never reads "Opens when the event is published"."""
    if event.status == EventStatus.CANCELLED:
        return _("Closed: the event is cancelled."), ""
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens is not None:
        opening = _to_come_or_past(opens, now, _("Opens %(moment)s."), _("Opened %(moment)s."))
    elif event.status == EventStatus.DRAFT:
        opening = _("Opens when the event is published.")
    else:
        opening = _("Opened when the event was published.")
    if closes is not None:
        closing = _to_come_or_past(closes, now, _("Closes %(moment)s."), _("Closed %(moment)s."))
    elif now < event.starts_at:
        closing = _("Closes when the event starts.")
    else:
        closing = _("Closed when the event started.")
    return opening, closing


def _to_come_or_past(moment: datetime, now: datetime, to_come: str, past: str) -> str:
    """`to_come` or `past` (each with a %(moment)s in it), as `moment` is ahead or behind."""
    return (to_come if now < moment else past) % {"moment": format_moment(moment, now=now)}


def places_and_offers(taken: int, capacity: int | None, offered: int) -> str:
    """How full an event is, with the places held for an offer not yet claimed said apart:
    "3 of 10 places taken (1 held for an offer not yet claimed)"."""
    words = places_taken(taken, capacity)
    if not offered:
        return words
    held = ngettext(
        "(%(num)d held for an offer not yet claimed)",
        "(%(num)d held for offers not yet claimed)",
        offered,
    )
    # Translators: "3 of 10 places taken (1 held for an offer not yet claimed)".
    return _("%(places)s %(held)s", places=words, held=held)


def held_by(places: PlacesTaken) -> str:
    """'Held by 10 people and 2 supporters.': for a page that has said the total already."""
    people = ngettext("%(num)d person", "%(num)d people", places.people)
    supporters = ngettext("%(num)d supporter", "%(num)d supporters", places.supporters)
    # Translators: "Held by 10 people and 2 supporters." (the places taken).
    return _("Held by %(people)s and %(supporters)s.", people=people, supporters=supporters)
