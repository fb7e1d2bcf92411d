"""Attendee exports: CSV and XLSX, streamed, with the columns the organiser picks.

Reusable by any area that may export registrations: pass a query, the columns and a rule
for whose contact details may be included (partners see only people who agreed to share).
"""

from __future__ import annotations

import codecs
import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
import xlsxwriter

from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.timezones import to_uk

# Excel and LibreOffice run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH_SIZE = 1000
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """A cell that can never run as a formula: a leading formula character gets a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@lru_cache(maxsize=4096)
def _uk_cached(moment) -> str:
    return _uk(moment)


def _uk(moment) -> str:
    if moment is None:
        return ""
    local = to_uk(moment)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


@dataclass(frozen=True)
class Column:
    """One column an organiser can pick: its heading and how to read it from an export row."""

    key: str
    heading: str
    read: Callable[[sa.Row], str]
    contact: bool = False  # first name and email: only for people whose details may be shared
    sensitive: bool = False  # access needs: only with a reason
    typed: bool = False  # text a person typed: the only cells that could start like a formula


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column("reference", "Reference", lambda r: r.reference),
        Column("first_name", "First name", lambda r: r.first_name, contact=True, typed=True),
        Column("email", "Email", lambda r: r.email, contact=True, typed=True),
        Column("status", "Status", lambda r: r.status.value),
        Column("event", "Event", lambda r: r.event_title, typed=True),
        Column("event_starts", "Event starts (UK time)", lambda r: _uk_cached(r.event_starts_at)),
        Column("signed_up", "Signed up (UK time)", lambda r: _uk(r.created_at)),
        Column("checked_in", "Checked in (UK time)", lambda r: _uk(r.checked_in_at)),
        Column("no_show", "No-show", lambda r: _yes(r.no_show)),
        Column("organisation", "Organisation", lambda r: r.organisation_name or "", typed=True),
        Column("job_role", "Role", lambda r: r.job_role or "", typed=True),
        Column("care_experienced", "Care experienced", lambda r: _yes(r.declared_care_experienced)),
        Column("future_events", "Future events emails", lambda r: _yes(r.consent_future_events)),
        Column("shares_with_host", "Shares details with host", lambda r: _yes(r.share_with_host)),
        Column(
            "access_needs",
            "Access needs",
            lambda r: r.access_needs or "",
            sensitive=True,
            typed=True,
        ),
    )
}
DEFAULT_COLUMNS = ("reference", "first_name", "email", "status", "event", "checked_in")

# Plain rows rather than ORM objects: an export reads each row once, and building 100,000
# tracked objects costs several times more than the rows themselves.
_EXPORT_FIELDS = (
    Registration.id,
    Registration.event_id,
    Registration.reference,
    Registration.first_name,
    Registration.email,
    Registration.status,
    Registration.created_at,
    Registration.checked_in_at,
    Registration.no_show,
    Registration.organisation_name,
    Registration.job_role,
    Registration.declared_care_experienced,
    Registration.consent_future_events,
    Registration.share_with_host,
    Registration.access_needs,
    Event.title.label("event_title"),
    Event.starts_at.label("event_starts_at"),
)


def registrations_query(*, event: Event | None = None, edition_id: int | None = None) -> sa.Select:
    """Registrations of one event, or of a whole week, in event then sign-up order."""
    query = sa.select(*_EXPORT_FIELDS).join(Event, Registration.event_id == Event.id)
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    if edition_id is not None:
        query = query.where(Event.edition_id == edition_id)
    return query.order_by(Event.starts_at, Event.id, Registration.id)


def export_rows(
    registrations_query: sa.Select,
    columns: Sequence[str],
    *,
    include_contact_for: Callable[[sa.Row], bool] = lambda row: True,
) -> Iterator[list[str]]:
    """The heading row, then one neutralised row per registration, read in batches."""
    chosen = [COLUMNS[key] for key in columns if key in COLUMNS]
    if not chosen:
        raise ValueError("choose at least one column")
    yield [column.heading for column in chosen]
    readers = [(column.read, column.contact, column.typed) for column in chosen]
    # Core, not the ORM session's result machinery: rows are read once and never tracked.
    result = db.session.connection().execute(
        registrations_query.execution_options(yield_per=BATCH_SIZE)
    )
    for row in result:
        shared = include_contact_for(row)
        cells = []
        for read, contact, typed in readers:
            if contact and not shared:
                cells.append("")
                continue
            value = read(row)
            cells.append("'" + value if typed and value.startswith(FORMULA_STARTS) else value)
        yield cells


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value += text


def csv_stream(rows: Iterable[list[str]]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte order mark (so Excel reads every name right), row by row."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    yield codecs.BOM_UTF8
    buffered: list[str] = []
    for row in rows:
        writer.writerow(row)
        buffered.append(line.value)
        line.value = ""
        if len(buffered) >= 500:
            yield "".join(buffered).encode("utf-8")
            buffered = []
    if buffered:
        yield "".join(buffered).encode("utf-8")


def xlsx_stream(rows: Iterable[list[str]], *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """An XLSX workbook built with flat memory (rows go to disk), then sent in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                # Never turn text into formulas, numbers or links: it is written as typed.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": tempfile.gettempdir(),
            },
        )
        sheet = workbook.add_worksheet("Attendees")
        bold = workbook.add_format({"bold": True})
        for row_number, row in enumerate(rows):
            for column_number, value in enumerate(row):
                sheet.write_string(
                    row_number, column_number, value, bold if row_number == 0 else None
                )
        workbook.close()
        with open(path, "rb") as finished:
            while chunk := finished.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)
