"""Ticket emails that go to the professional who booked the ticket for a young person."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from markupsafe import escape

from nclw.mail.outbox import ComposedEmail
from nclw.registrations.models import Registration


def for_the_booker(email: ComposedEmail, registration: Registration) -> ComposedEmail:
    """The email, opening with whom the ticket is for: it goes to the professional who booked
    it, not to the young person it is for."""
    line = _(
        "You booked this ticket for %(name)s. Please pass it on to them.",
        name=registration.first_name,
    )
    html = email.html_body
    if html and "<body" in html:
        opened = html.index(">", html.index("<body")) + 1
        html = f"{html[:opened]}\n<p>{escape(line)}</p>{html[opened:]}"
    return replace(email, text_body=f"{line}\n\n{email.text_body}", html_body=html)
