"""Attendee exports: CSV and XLSX, streamed, with the columns the organiser picks.

Reusable by any area that may export registrations: pass a query, the columns and, if only
some people's contact details may be included, the condition they meet (partners see only
people who agreed to share).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import xlsxwriter

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.events.models import Event
from nclw.exports import CSV_MIMETYPE as CSV_MIMETYPE  # the views send both formats from here
from nclw.exports import csv_stream as csv_stream
from nclw.exports import neutralise_cells
from nclw.extensions import db
from nclw.registrations.models import Booking, Registration, RegistrationStatus
from nclw.registrations.question_setup import questions_of
from nclw.registrations.sign_up_answers import answer_column
from nclw.registrations.slot_models import EventSlot, SlotBooking
from nclw.registrations.supporter_models import Supporter, SupporterRole
from nclw.timezones import to_uk

BATCH_SIZE = 1000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yes_no(flag: sa.ColumnElement[bool]) -> sa.ColumnElement[str]:
    return sa.case((flag, "Yes"), else_="No")


def _text_or_blank(text: sa.ColumnElement[str | None]) -> sa.ColumnElement[str]:
    return sa.func.coalesce(text, "")


def _supporter(value: sa.ColumnElement) -> sa.ColumnElement:
    """One of the ticket's supporter's details, or nothing when it has no supporter."""
    return sa.select(value).where(Supporter.registration_id == Registration.id).scalar_subquery()


def _slot_start() -> sa.ColumnElement:
    """The start of the time slot a ticket holds (empty for none)."""
    return (
        sa.select(EventSlot.starts_at)
        .join(SlotBooking, SlotBooking.slot_id == EventSlot.id)
        .where(SlotBooking.registration_id == Registration.id)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Column:
    """One column an organiser can pick: its heading and the SQL that reads it.

    The database hands back each cell as finished text (Yes/No, a blank for nothing), except
    times, which need the UK clock, and typed text, which needs neutralising.
    """

    key: str
    heading: str
    value: sa.ColumnElement
    contact: bool = False  # first name and email: only for people whose details may be shared
    sensitive: bool = False  # access needs: only with a reason
    typed: bool = False  # text a person typed: the only cells that could start like a formula
    uk_time: bool = False  # a UTC moment, shown on a UK clock
    # How a stored value reads to people, in a spreadsheet (the CSV keeps the stored value,
    # so anything that already reads it keeps working).
    words: dict[str, str] | None = None


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column("reference", "Reference", Registration.reference),
        Column("first_name", "First name", Registration.first_name, contact=True, typed=True),
        Column("email", "Email", Registration.email, contact=True, typed=True),
        # The stored value, not the enum: it is the text the export shows.
        Column(
            "status",
            "Status",
            sa.type_coerce(Registration.status, sa.String),
            words={status.value: status.label for status in RegistrationStatus},
        ),
        Column("event", "Event", Event.title, typed=True),
        Column("event_starts", "Event starts (UK time)", Event.starts_at, uk_time=True),
        Column("slot_starts", "Time slot starts (UK time)", _slot_start(), uk_time=True),
        Column("signed_up", "Signed up (UK time)", Registration.created_at, uk_time=True),
        Column("checked_in", "Checked in (UK time)", Registration.checked_in_at, uk_time=True),
        Column("no_show", "No-show", _yes_no(Registration.no_show)),
        Column(
            "organisation",
            "Organisation",
            _text_or_blank(Registration.organisation_name),
            typed=True,
        ),
        Column("job_role", "Role", _text_or_blank(Registration.job_role), typed=True),
        Column(
            "booked_by",
            "Booked by",
            _text_or_blank(
                sa.select(Booking.name + ", " + Booking.organisation)
                .where(Booking.id == Registration.booking_id)
                .scalar_subquery()
            ),
            # The professional's name: where contact details are hidden, so is this.
            contact=True,
            typed=True,
        ),
        Column(
            "care_experienced",
            "Care experienced",
            _yes_no(Registration.declared_care_experienced),
        ),
        Column(
            "future_events",
            "Future events emails",
            _yes_no(Registration.consent_future_events),
        ),
        Column(
            "shares_with_host",
            "Shares details with host",
            _yes_no(Registration.share_with_host),
        ),
        Column(
            "access_needs",
            "Access needs",
            _text_or_blank(Registration.access_needs),
            sensitive=True,
            typed=True,
        ),
        # A supporter on the ticket holds a place of their own (registrations.supporters).
        Column(
            "supporter_first_name",
            "Supporter's first name",
            _text_or_blank(_supporter(Supporter.first_name)),
            contact=True,
            typed=True,
        ),
        Column(
            "supporter_role",
            "Supporter's role",
            _text_or_blank(_supporter(sa.type_coerce(Supporter.role, sa.String))),
            words={role.value: role.label for role in SupporterRole},
        ),
    )
}
DEFAULT_COLUMNS = ("reference", "first_name", "email", "status", "event", "checked_in")

_MINUTES = [f"{minute:02d}" for minute in range(60)]


class _UkClock:
    """'2026-10-28 16:05' on a UK clock, with the time-zone rules applied once per UTC hour.

    UK time is always a whole number of hours from UTC, so the minute reads the same on both
    clocks: only the date and hour need the rules, and many rows share an hour (a year of
    sign-ups is at most 8,784 hours, so the cache stays small).
    """

    def __init__(self) -> None:
        self._hours: dict[tuple[int, int, int, int], str] = {}
        self._offsets: dict[tuple[int, int, int, int], timedelta] = {}

    def _hour(self, moment: datetime) -> str:
        local = to_uk(moment)
        return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:"

    def format_cells(self, cells: list, positions: Iterable[int]) -> None:
        """Replace, in place, the UTC moments at `positions` with UK clock text (blank if none)."""
        hours = self._hours
        for position in positions:
            moment = cells[position]
            if moment is None:
                cells[position] = ""
                continue
            # Moments come from UTCDateTime columns, so this is the UTC hour.
            key = (moment.year, moment.month, moment.day, moment.hour)
            hour = hours.get(key)
            if hour is None:
                hour = hours[key] = self._hour(moment)
            cells[position] = hour + _MINUTES[moment.minute]

    def as_datetimes(self, cells: list, positions: Iterable[int]) -> None:
        """Replace, in place, the UTC moments at `positions` with the UK clock's date and time
        (no zone: spreadsheets have none), for a spreadsheet to keep as real dates."""
        offsets = self._offsets
        for position in positions:
            moment = cells[position]
            if moment is None:
                continue
            key = (moment.year, moment.month, moment.day, moment.hour)
            offset = offsets.get(key)
            if offset is None:
                offset = offsets[key] = to_uk(moment).utcoffset()
            cells[position] = moment.replace(tzinfo=None) + offset


def registrations_query(*, event: Event | None = None, edition_id: int | None = None) -> sa.Select:
    """Registrations of one event, or of a whole week, in event then sign-up order.

    `export_rows` chooses what to read from each; this says which rows, and in what order.
    """
    query = sa.select(Registration.id).join(Event, Registration.event_id == Event.id)
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    if edition_id is not None:
        query = query.where(Event.edition_id == edition_id)
    return query.order_by(Event.starts_at, Event.id, Registration.id)


def record_download(
    target: object,
    *,
    label: str,
    file_format: str,
    columns: Sequence[str],
    access_needs_reason: str = "",
    actor: User,
) -> None:
    """Add an audit entry: who downloaded which columns of whose tickets, and why access needs."""
    # The caller commits it before the first byte of the file goes out.
    record_action(
        AuditAction.EXPORT_DOWNLOADED,
        actor=actor,
        target=target,
        summary=f"{file_format.upper()} of {label}; columns: {', '.join(columns)}"
        + (f"; access needs because: {access_needs_reason}" if access_needs_reason else ""),
    )


def export_rows(
    registrations_query: sa.Select,
    columns: Sequence[str],
    *,
    contact_details_where: sa.ColumnElement[bool] | None = None,
    for_spreadsheet: bool = False,
    extra: Sequence[Column] = (),
) -> Iterator[list]:
    """The heading row, then one neutralised row per registration, read in batches.

    Contact details are blank on rows that do not meet `contact_details_where`, if given.
    `for_spreadsheet` (XLSX) gives times as UK dates and times rather than text, and stored
    values in their words ("On the waiting list"); otherwise every cell is text, as the CSV has.
    `extra` columns come after the chosen ones (an event's sign-up questions: answer_columns).
    """
    chosen = [COLUMNS[key] for key in columns if key in COLUMNS] + list(extra)
    if not chosen:
        raise ValueError("choose at least one column")
    yield [column.heading for column in chosen]
    values = []
    for position, column in enumerate(chosen):
        value = column.value
        if column.contact and contact_details_where is not None:
            value = sa.case((contact_details_where, value), else_="")
        values.append(value.label(f"c{position}"))  # labelled: a column may be picked twice
    typed = [position for position, column in enumerate(chosen) if column.typed]
    times = [position for position, column in enumerate(chosen) if column.uk_time]
    worded = [
        (position, column.words)
        for position, column in enumerate(chosen)
        if column.words and for_spreadsheet
    ]
    clock = _UkClock()
    format_times = clock.as_datetimes if for_spreadsheet else clock.format_cells
    # Only the chosen columns, as plain rows through Core: each row is read once, never tracked.
    result = db.session.connection().execute(
        registrations_query.with_only_columns(
            *values, maintain_column_froms=False
        ).execution_options(yield_per=BATCH_SIZE)
    )
    for row in result:
        cells = list(row)
        if times:
            format_times(cells, times)
        for position, words in worded:
            cells[position] = words.get(cells[position], cells[position])
        if typed:
            neutralise_cells(cells, typed)
        yield cells


def answer_columns(event: Event) -> list[Column]:
    """One column per sign-up question the event has (hidden ones too), in asking order."""
    return [
        Column(f"question_{question.id}", question.label, answer_column(question), typed=True)
        for question in questions_of(event)
    ]


# Excel shows a date cell with this pattern: the same order as the CSV's text.
XLSX_DATE_FORMAT = "yyyy-mm-dd hh:mm"
_DATE_WIDTH = len("2026-10-28 16:05")
_WIDEST_COLUMN = 60  # longer text wraps in the cell rather than pushing the sheet sideways


def xlsx_stream(rows: Iterable[list], *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """An XLSX workbook built with flat memory (rows go to disk), then sent in chunks.

    It opens ready to use: a bold heading row that stays in view and filters, columns as
    wide as what they hold, and times (datetimes from `export_rows(for_spreadsheet=True)`)
    as real dates that sort and filter as dates.
    """
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
        when = workbook.add_format({"num_format": XLSX_DATE_FORMAT})
        rows = iter(rows)
        headings = next(rows, [])
        # Room for the heading and the filter's arrow beside it.
        widths = [len(heading) + 3 for heading in headings]
        for column_number, heading in enumerate(headings):
            sheet.write_string(0, column_number, heading, bold)
        write, write_datetime = sheet.write_string, sheet.write_datetime
        last_row = 0
        for last_row, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row):
                if isinstance(value, datetime):
                    write_datetime(last_row, column_number, value, when)
                    length = _DATE_WIDTH
                elif value is None:
                    continue
                else:
                    write(last_row, column_number, value)
                    length = len(value)
                if length > widths[column_number]:
                    widths[column_number] = length
        if headings:
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, last_row, len(headings) - 1)
        for column_number, width in enumerate(widths):
            sheet.set_column(column_number, column_number, min(width + 1, _WIDEST_COLUMN))
        workbook.close()
        with open(path, "rb") as finished:
            while chunk := finished.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)
