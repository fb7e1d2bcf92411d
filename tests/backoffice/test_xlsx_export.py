"""The attendee XLSX opens well in Excel: a frozen bold heading with a filter, fitting
columns, statuses in words and times as real dates; the CSV stays as it was."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl

from nclw.registrations.models import RegistrationStatus
from tests.factories import make_registration

COLUMNS = ("reference", "first_name", "status", "event", "signed_up", "checked_in")


def _download(client, event, file_format):
    return client.post(
        "/admin/exports",
        data={"scope": str(event.id), "file_format": file_format, "columns": list(COLUMNS)},
        buffered=True,
    )


def _event_with_people(week):
    event = week.event
    # 20 October 2026 is in British Summer Time: 23:05 UTC is 00:05 the next day in the UK.
    week.confirmed.created_at = datetime(2026, 10, 20, 23, 5, tzinfo=UTC)
    week.confirmed.checked_in_at = datetime(2026, 11, 2, 16, 41, tzinfo=UTC)
    make_registration(event, status=RegistrationStatus.CANCELLED, first_name="Cleo")
    return event


def test_the_xlsx_opens_ready_to_use(organiser_client, week):
    event = _event_with_people(week)
    response = _download(organiser_client, event, "xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active

    assert sheet.freeze_panes == "A2"  # the heading row stays in view
    assert sheet.auto_filter.ref == "A1:F4"  # a filter over the heading, down to the last row
    headings = [cell.value for cell in sheet[1]]
    assert headings == [
        "Reference",
        "First name",
        "Status",
        "Event",
        "Signed up (UK time)",
        "Checked in (UK time)",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold

    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    ava, ben, cleo = by_name["Ava"], by_name["Ben"], by_name["Cleo"]
    assert [ava[2].value, ben[2].value, cleo[2].value] == [
        "Confirmed",
        "On the waiting list",
        "Cancelled",
    ]
    signed_up, checked_in = ava[4], ava[5]
    assert signed_up.is_date and signed_up.value == datetime(2026, 10, 21, 0, 5)
    assert checked_in.is_date and checked_in.value == datetime(2026, 11, 2, 16, 41)
    assert checked_in.number_format == "yyyy-mm-dd hh:mm"
    assert ben[5].value is None  # not checked in: an empty cell, not a blank string

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    # As wide as the widest of heading and content; a date column fits a whole date.
    assert widths["D"] >= len(event.title) and widths["E"] >= len("Signed up (UK time)")
    assert widths["F"] >= len("2026-11-02 16:41")
    assert all(width <= 61 for width in widths.values())


def test_the_csv_keeps_its_text_and_stored_statuses(organiser_client, week):
    event = _event_with_people(week)
    body = _download(organiser_client, event, "csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    ava = next(row for row in rows if row[1] == "Ava")
    assert ava[2:] == [
        "confirmed",
        event.title,
        "2026-10-21 00:05",
        "2026-11-02 16:41",
    ]
