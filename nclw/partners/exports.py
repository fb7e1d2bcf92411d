"""CSV downloads for partners: only the attendees who agreed to share their details."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from nclw.exports import csv_stream, neutralise
from nclw.registrations.models import Registration


def _rows(registrations: Iterable[Registration]) -> Iterator[list[str]]:
    yield ["First name", "Email", "Status"]
    for registration in registrations:
        yield [
            neutralise(registration.first_name),
            neutralise(registration.email),
            registration.status.label,
        ]


def shared_attendees_csv(registrations: Iterable[Registration]) -> bytes:
    """First name, email and status, as UTF-8 CSV with a byte order mark for Excel.

    Built whole: one session's attendees are few.
    """
    return b"".join(csv_stream(_rows(registrations)))
