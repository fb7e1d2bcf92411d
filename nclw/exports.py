"""What every spreadsheet download shares: cells that cannot run as formulas, and CSV for Excel.

The back office's attendee export, the partners' attendee list and the questions export all
hand people files they open in Excel or LibreOffice, so the rules for those files live here.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, MutableSequence, Sequence
from itertools import islice

# Excel and LibreOffice run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"


def neutralise(value: str) -> str:
    """A cell that can never run as a formula: a leading formula character gets a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_cells(cells: MutableSequence[str], positions: Iterable[int]) -> None:
    """Neutralise, in place, the cells at `positions`: the text people typed.

    One call per row rather than one per cell: a 100,000-row export has 600,000 such cells.
    """
    for position in positions:
        value = cells[position]
        if value.startswith(FORMULA_STARTS):
            cells[position] = "'" + value


def csv_stream(rows: Iterable[Sequence[str]], *, rows_per_chunk: int = 1000) -> Iterator[bytes]:
    """UTF-8 CSV with a byte order mark (so Excel reads every name right), in chunks of rows.

    Memory stays flat however many rows there are: only one chunk is held at a time.
    """
    yield codecs.BOM_UTF8
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = iter(rows)
    while True:
        writer.writerows(islice(rows, rows_per_chunk))
        text = buffer.getvalue()
        if not text:  # every row of a chunk writes at least a line ending
            return
        yield text.encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
