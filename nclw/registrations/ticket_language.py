"""The language of a ticket: every email about it is written in it, whoever sends it, and
its holder may change it.

A person signs up in Welsh, say: their confirmation, reminders and the organisers' news all
come in Welsh, even when an organiser on an English page cancels the event, and even when
the mail sender writes the email later with no page at all. Dates and links follow, since
they read the language being written in (nclw.timezones, nclw.links).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import ParamSpec, TypeVar, cast

from flask_babel import force_locale
from flask_babel import gettext as _

from nclw.audit.actions import AuditAction
from nclw.errors import InvalidInput
from nclw.i18n import LANGUAGES, language
from nclw.registrations.models import Registration
from nclw.registrations.ticket_audit import record_ticket_action

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def in_ticket_language(registration: Registration) -> Iterator[None]:
    """Write in the language the ticket remembers (English for anything unknown)."""
    with force_locale(language(registration.language).code):
        yield


def written_in_ticket_language(compose: Callable[P, R]) -> Callable[P, R]:
    """For an email builder whose first argument is the registration it is about."""

    @functools.wraps(compose)
    def in_its_language(*args: P.args, **kwargs: P.kwargs) -> R:
        registration = cast(Registration, args[0])
        with in_ticket_language(registration):
            return compose(*args, **kwargs)

    return in_its_language


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
