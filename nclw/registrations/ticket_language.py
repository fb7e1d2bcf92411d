"""The language a ticket's emails are written in, which its holder may change."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from nclw.audit.actions import AuditAction
from nclw.errors import InvalidInput
from nclw.i18n import LANGUAGES
from nclw.registrations.models import Registration
from nclw.registrations.ticket_audit import record_ticket_action


def choose_language(registration: Registration, code: str, *, now: datetime) -> None:
    """Write every later email about this ticket in `code`; refuses a language we do not have.

    Choosing the language it already has changes nothing and is not logged.
    """
    if code not in LANGUAGES:
        raise InvalidInput(_("Choose English, Cymraeg or العربية."))
    if registration.language == code:
        return
    registration.language = code
    record_ticket_action(AuditAction.REGISTRATION_LANGUAGE_CHANGED, registration, now=now)
