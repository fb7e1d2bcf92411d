"""Placeholders in organisers' messages: {first_name} becomes each person's own first name.

A message is checked when it is written (sent, set for later, or saved as a template), so an
unknown placeholder is refused with a plain message then, never found when the email goes.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.errors import InvalidInput
from nclw.registrations.models import Registration
from nclw.timezones import format_when

# What each placeholder says, as the message form lists them.
PLACEHOLDERS = {
    "first_name": _l("their first name"),
    "event_title": _l("the event's name"),
    "event_when": _l("the event's day and time"),
    "reference": _l("their ticket reference"),
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_placeholders(text: str) -> None:
    """Refuse a placeholder we cannot fill, or a brace that is not part of one."""
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise InvalidInput(
            _(
                "{%(name)s} is not a placeholder we can fill in. You can use %(known)s.",
                name=unknown[0],
                known=known,
            )
        )
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise InvalidInput(
            _("Use curly brackets { } only around a placeholder, like {first_name}.")
        )


def fill_placeholders(text: str, registration: Registration) -> str:
    """The text with each placeholder replaced by what it says for this person."""
    event = registration.event
    values = {
        "first_name": registration.first_name,
        "event_title": event.title,
        "event_when": format_when(event.starts_at, event.ends_at),
        "reference": registration.reference,
    }
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
