"""The rules every spreadsheet download shares: no formulas, and CSV that Excel reads right."""

from __future__ import annotations

import csv
import io

from nclw.exports import FORMULA_STARTS, csv_stream, neutralise, neutralise_cells

DANGEROUS = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\tTab", "\rReturn", '=HYPERLINK("http://x")']


def test_neutralise_quotes_every_formula_start():
    for value in DANGEROUS:
        assert neutralise(value) == "'" + value
    assert neutralise("Zoë") == "Zoë"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"  # only a leading character makes a formula


def test_neutralise_cells_changes_only_the_positions_given():
    cells = ["=ref", "=1+2", "Ava", "@cmd", "-3"]
    neutralise_cells(cells, [1, 2, 3])
    assert cells == ["=ref", "'=1+2", "Ava", "'@cmd", "-3"]


def test_neutralise_cells_agrees_with_neutralise():
    values = [*DANGEROUS, "Zoë", "", "'already quoted", " =space first"]
    cells = list(values)
    neutralise_cells(cells, range(len(cells)))
    assert cells == [neutralise(value) for value in values]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


def _read(chunks) -> list[list[str]]:
    body = b"".join(chunks)
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte order mark"
    assert body.count(b"\xef\xbb\xbf") == 1
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_stream_writes_every_row_once_in_chunks():
    rows = [["Heading", "Other"]] + [[f"Person {n}", 'says "hi", ok'] for n in range(7)]
    chunks = list(csv_stream(iter(rows), rows_per_chunk=3))
    # The byte order mark, then 8 rows in chunks of 3, 3 and 2.
    assert len(chunks) == 4
    assert _read(chunks) == rows
    assert b"".join(chunks).endswith(b'ok"\r\n')


def test_csv_stream_keeps_names_and_line_breaks_inside_cells():
    rows = [["Name"], ["Zoë Łucja 李"], ["two\nlines"]]
    assert _read(csv_stream(rows)) == rows


def test_csv_stream_of_nothing_is_just_the_byte_order_mark():
    assert list(csv_stream([])) == [b"\xef\xbb\xbf"]
