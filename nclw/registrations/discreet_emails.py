"""Discreet emails: for someone who does not want a lock screen to say what they signed up for.

Their subject names no event and nothing about care, and their first line says only that
the email is about a booking.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.mail.outbox import ComposedEmail
from nclw.registrations.models import Registration


def opened_discreetly(email: ComposedEmail) -> ComposedEmail:
    """The email, opening with a line that says nothing of what it is about."""
    # What a lock screen shows is the subject and the first line: both say nothing more.
    return replace(email, text_body=f"{DISCREET_OPENING}\n\n{email.text_body}")


# A discreet email's subject, by kind: no event name, nothing about care.
DISCREET_SUBJECTS = {
    "ticket_confirmed": _l("Your booking is confirmed"),
    "waiting_list": _l("You are on a waiting list"),
    "promoted": _l("A place is yours"),
    "place_offered": _l("A place is free for you to claim"),
    "offer_declined": _l("You turned down a place"),
    "offer_expired": _l("Your offer of a place has ended"),
    "cancelled_by_attendee": _l("Your booking is cancelled"),
    "cancelled_by_organisers": _l("Your booking is cancelled"),
    "cancelled_in_calendar": _l("Your booking is cancelled"),
    "ticket_resent": _l("Your booking"),
    "event_changed": _l("Your booking has changed"),
    "event_cancelled": _l("Your booking is cancelled"),
    "attendee_message": _l("A message about your booking"),
    "reminder_day_before": _l("Reminder: your booking tomorrow"),
    "reminder_hour_before": _l("Reminder: your booking soon"),
    "address_changed_old": _l("The email address for a booking has changed"),
    "address_changed_new": _l("Your booking"),
    "feedback_survey": _l("A few questions about your booking"),
}
DISCREET_OPENING = _l("This is about your booking. The details are below.")


def discreet_subject(kind: str, registration: Registration) -> str:
    """A subject that names only the booking's reference."""
    subject = DISCREET_SUBJECTS.get(kind) or _("About your booking")
    return f"{subject} ({registration.reference})"
