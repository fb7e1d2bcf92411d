"""The email a person gets when they move their ticket to another time slot."""

from __future__ import annotations

from nclw.mail.outbox import ComposedEmail
from nclw.registrations.messages import _compose
from nclw.registrations.models import Registration


def time_changed(registration: Registration) -> ComposedEmail:
    """Their new time, with an updated calendar invite that replaces the old one."""
    return _compose(
        "time_changed",
        "time_changed",
        f"Your new time: {registration.event.title} ({registration.reference})",
        registration,
        ical_method="REQUEST",
    )
