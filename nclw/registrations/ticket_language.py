"""Every email about a ticket is written in the ticket's language, whoever sends it.

A person signs up in Welsh, say: their confirmation, reminders and the organisers' news all
come in Welsh, even when an organiser on an English page cancels the event, and even when
the mail sender writes the email later with no page at all. Dates and links follow, since
they read the language being written in (nclw.timezones, nclw.links).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar, cast

from flask_babel import force_locale

from nclw.i18n import language
from nclw.registrations.models import Registration

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
