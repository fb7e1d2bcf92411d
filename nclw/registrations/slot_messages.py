"""The email a person gets when they move their ticket to another time slot."""

from __future__ import annotations

from flask_babel import gettext as _

from nclw.mail.outbox import ComposedEmail
from nclw.registrations.messages import _compose
from nclw.registrations.models import Registration
from nclw.registrations.ticket_language import written_in_ticket_language


@written_in_ticket_language
def time_changed(registration: Registration) -> ComposedEmail:
    """Their new time, with an updated calendar invite that replaces the old one."""
    return _compose(
        "time_changed",
        "time_changed",
        _(
            "Your new time: %(title)s (%(reference)s)",
            title=registration.event.title,
            reference=registration.reference,
        ),
        registration,
        ical_method="REQUEST",
    )
