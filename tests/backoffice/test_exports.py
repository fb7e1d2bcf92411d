"""Exports: what the files hold, formula injection, access needs, auditing, flat memory."""

from __future__ import annotations

import csv
import gc
import io
import os
import time
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.backoffice import exports
from nclw.events.models import Event
from nclw.exports import FORMULA_STARTS
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

DANGEROUS = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\tTab", "\rReturn", '=HYPERLINK("http://x")']


def _post_export(client, scope, file_format="csv", columns=("reference", "first_name"), **extra):
    data = {"scope": str(scope), "file_format": file_format, "columns": list(columns), **extra}
    # buffered: the streamed body is read inside the request, as a real server would.
    return client.post("/admin/exports", data=data, buffered=True)


def _csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    # No cell is stored as a formula: openpyxl reports those with data_type "f".
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formulas_are_neutralised_in_both_formats(organiser_client, week, file_format):
    for value in DANGEROUS:
        make_registration(week.event, first_name=value[:80], status="waiting")
    response = _post_export(organiser_client, week.event.id, file_format)
    assert response.status_code == 200
    rows = _csv_rows(response) if file_format == "csv" else _xlsx_rows(response)
    assert rows[0] == ["Reference", "First name"]
    # XLSX stores a carriage return as _x000D_ (Excel reads it back as one; openpyxl does not).
    names = [str(row[1]).replace("_x000D_", "\r") for row in rows[1:]]
    for value in DANGEROUS:
        assert "'" + value in names
    assert all(not str(name).startswith(FORMULA_STARTS) for name in names)
    assert "Ava" in names  # ordinary names are untouched


def test_csv_keeps_every_name_right(organiser_client, week):
    make_registration(week.event, first_name="Zoë Łucja 李", status="waiting")
    rows = _csv_rows(_post_export(organiser_client, week.event.id))
    assert "Zoë Łucja 李" in [row[1] for row in rows]


def test_columns_are_the_ones_picked(organiser_client, week):
    response = _post_export(
        organiser_client, week.event.id, columns=("reference", "email", "status")
    )
    rows = _csv_rows(response)
    assert rows[0] == ["Reference", "Email", "Status"]
    assert sorted(row[1] for row in rows[1:]) == ["ava@example.com", "ben@example.com"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]


def test_access_needs_need_a_ticked_box_and_a_reason(organiser_client, week):
    week.confirmed.access_needs = "Wheelchair user"
    db.session.commit()
    plain = _csv_rows(_post_export(organiser_client, week.event.id))
    assert "Wheelchair user" not in str(plain)
    refused = _post_export(organiser_client, week.event.id, include_access_needs="y")
    assert refused.status_code == 400
    assert b"Say why you need access needs" in refused.data
    allowed = _post_export(
        organiser_client,
        week.event.id,
        include_access_needs="y",
        access_needs_reason="Booking ramps",
    )
    rows = _csv_rows(allowed)
    assert rows[0][-1] == "Access needs"
    assert "Wheelchair user" in [row[-1] for row in rows]
    summaries = db.session.scalars(
        sa.select(AuditEntry.summary)
        .where(AuditEntry.action == "export.downloaded")
        .order_by(AuditEntry.id)
    ).all()
    assert len(summaries) == 2
    assert "Booking ramps" in summaries[-1]


def test_the_whole_week_in_one_file(organiser_client, week):
    other = make_event(edition=week.event.edition)
    make_registration(other, first_name="Cara")
    rows = _csv_rows(
        _post_export(
            organiser_client, f"week-{week.event.edition_id}", columns=("first_name", "event")
        )
    )
    assert {row[1] for row in rows[1:]} == {week.event.title, other.title}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.downloaded"))
    assert entry.actor_label == "organiser@example.org"
    assert entry.target_type == "Edition"


def test_contact_details_only_for_people_who_may_be_shared(app, week):
    week.confirmed.share_with_host = True
    db.session.commit()
    rows = list(
        exports.export_rows(
            exports.registrations_query(event=week.event),
            ["reference", "first_name", "email"],
            contact_details_where=Registration.share_with_host,
        )
    )
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[week.confirmed.reference][1:] == ["Ava", "ava@example.com"]
    assert by_reference[week.waiting.reference][1:] == ["", ""]


def _export(event, columns) -> list[list[str]]:
    return list(exports.export_rows(exports.registrations_query(event=event), columns))


def test_every_column_reads_as_people_expect(app):
    # 20 October 2026 is BST (UTC+1); 2 November is GMT (UTC+0).
    event = make_event(
        title="=Money: what next?",
        starts_at=datetime(2026, 11, 2, 16, 30, tzinfo=UTC),
        capacity=None,
    )
    person = make_registration(
        event,
        first_name="Ava",
        email="ava@example.com",
        created_at=datetime(2026, 10, 20, 23, 5, 59, tzinfo=UTC),
        checked_in_at=datetime(2026, 11, 2, 16, 41, tzinfo=UTC),
        no_show=True,
        organisation_name="+Leaving Care Team",
        job_role="Personal adviser",
        declared_care_experienced=True,
        consent_future_events=False,
        share_with_host=True,
        access_needs="-Step-free access",
    )
    rows = _export(event, list(exports.COLUMNS))
    assert rows[0] == [column.heading for column in exports.COLUMNS.values()]
    assert rows[1] == [
        person.reference,
        "Ava",
        "ava@example.com",
        "confirmed",
        "'=Money: what next?",
        "2026-11-02 16:30",
        "",  # no time slot
        "2026-10-21 00:05",  # BST: the next day on a UK clock
        "2026-11-02 16:41",
        "Yes",
        "'+Leaving Care Team",
        "Personal adviser",
        "",  # booked by nobody: they signed up themselves
        "Yes",
        "No",
        "Yes",
        "'-Step-free access",
        "",  # no supporter: their first name
        "",  # and their role
    ]


def test_missing_values_are_blank_and_statuses_read_as_stored(app, week):
    rows = _export(week.event, ["status", "checked_in", "organisation", "job_role", "access_needs"])
    assert sorted(rows[1:]) == [["confirmed", "", "", "", ""], ["waiting", "", "", "", ""]]


def test_times_follow_the_uk_clock_through_the_change(app):
    # Clocks went back at 01:00 UTC on 25 October 2026: 01:xx happened twice in the UK.
    event = make_event(capacity=None)
    moments = [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]
    for moment in moments:
        make_registration(event, created_at=moment)
    signed_up = [row[0] for row in _export(event, ["signed_up"])[1:]]
    assert signed_up == [
        "2026-10-25 01:30",
        "2026-10-25 01:30",
        "2026-10-25 01:45",
        "2026-03-29 00:59",
        "2026-03-29 02:00",
    ]


def test_a_column_picked_twice_comes_out_twice(app, week):
    rows = _export(week.event, ["first_name", "reference", "first_name"])
    assert rows[0] == ["First name", "Reference", "First name"]
    assert ["Ava", week.confirmed.reference, "Ava"] in rows


def test_unknown_columns_are_left_out_and_none_is_refused(app, week):
    assert _export(week.event, ["reference", "password"])[0] == ["Reference"]
    with pytest.raises(ValueError):
        _export(week.event, ["password"])


def test_the_week_comes_in_event_then_sign_up_order(app, week):
    earlier = make_event(
        edition=week.event.edition, starts_at=week.event.starts_at - timedelta(days=1)
    )
    first = make_registration(earlier, first_name="Cara")
    second = make_registration(earlier, first_name="Dev")
    rows = list(
        exports.export_rows(
            exports.registrations_query(edition_id=week.event.edition_id), ["reference"]
        )
    )
    assert [row[0] for row in rows[1:]] == [
        first.reference,
        second.reference,
        week.confirmed.reference,
        week.waiting.reference,
    ]


def _bulk_registrations(event, count: int) -> None:
    now = utcnow()
    batch = []
    for n in range(count):
        batch.append(
            {
                "event_id": event.id,
                "first_name": f"Person {n}",
                "email": f"person{n}@example.com",
                "email_normalised": f"person{n}@example.com",
                "status": "cancelled",
                "reference": f"R{event.id}-{n:08d}",
                "manage_token": f"token-{event.id}-{n}",
                "created_at": now - timedelta(seconds=n),
                "updated_at": now,
            }
        )
        if len(batch) == 10_000:
            db.session.execute(sa.insert(Registration), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Registration), batch)
    db.session.commit()


def _rss() -> int:
    """This process's resident memory in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _growth_while_exporting(event_id: int, stream) -> tuple[int, int]:
    """How far resident memory rose above where it started, and bytes produced."""
    columns = ["reference", "first_name", "email", "status", "event", "signed_up"]
    db.session.expunge_all()  # start from an empty session, as a fresh request would
    gc.collect()
    event = db.session.get(Event, event_id)
    baseline = peak = _rss()
    produced = 0
    rows = exports.export_rows(exports.registrations_query(event=event), columns)
    for chunk in stream(rows):
        produced += len(chunk)
        peak = max(peak, _rss())
    return peak - baseline, produced


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_a_100k_row_export_streams_with_flat_memory(app):
    """Loading 100,000 registrations at once would take hundreds of MB; streaming stays small."""
    event = make_event()
    _bulk_registrations(event, 100_000)
    started = time.monotonic()
    csv_growth, csv_size = _growth_while_exporting(event.id, exports.csv_stream)
    csv_seconds = time.monotonic() - started
    xlsx_growth, xlsx_size = _growth_while_exporting(event.id, exports.xlsx_stream)
    print(
        f"\n100,000 rows: CSV {csv_size / 1e6:.1f} MB in {csv_seconds:.1f}s, memory +"
        f"{csv_growth / 1e6:.1f} MB; XLSX {xlsx_size / 1e6:.1f} MB, memory +"
        f"{xlsx_growth / 1e6:.1f} MB"
    )
    assert csv_size > 8_000_000 and xlsx_size > 2_000_000
    assert csv_growth < 40_000_000
    assert xlsx_growth < 40_000_000
