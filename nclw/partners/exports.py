"""CSV downloads for partners: only the attendees who agreed to share their details."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from nclw.registrations.models import Registration

# Spreadsheet programs run a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet: a leading formula character is quoted."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def shared_attendees_csv(registrations: Iterable[Registration]) -> str:
    """First name, email and status, as UTF-8 CSV with a byte order mark for Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["First name", "Email", "Status"])
    for registration in registrations:
        status = "Waiting list" if registration.is_waiting else "Confirmed"
        writer.writerow(
            [neutralise(registration.first_name), neutralise(registration.email), status]
        )
    return out.getvalue()
