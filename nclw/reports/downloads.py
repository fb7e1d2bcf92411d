"""A report's figures as CSV: one line per event, and the total for a week or a host."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import force_locale

from nclw.exports import csv_stream, neutralise
from nclw.reports.figures import Figures
from nclw.reports.lines import figure_labels, figure_lines
from nclw.reports.services import Report
from nclw.timezones import to_uk

CSV_HEADINGS = ["Event", "Host", "Starts (UK time)", "Event status"]


def _values(figures: Figures) -> list[str]:
    return [line.value for line in figure_lines(figures)]


def _rows(report: Report, *, with_total: bool) -> Iterator[list[str]]:
    yield [*CSV_HEADINGS, *figure_labels()]
    for row in report.events:
        event = row.event
        yield [
            # Titles and names are typed by people: never let a cell run as a formula.
            neutralise(event.title),
            neutralise(event.host.name),
            f"{to_uk(event.starts_at):%Y-%m-%d %H:%M}",
            event.status.value.capitalize(),
            *_values(row.figures),
        ]
    if with_total:
        yield ["All events", "", "", "", *_values(report.figures)]
    for section in report.sections:
        yield []
        yield [neutralise(section.title)]
        for label, value in section.csv_rows:
            yield [neutralise(label), neutralise(value)]


def report_csv(report: Report, *, with_total: bool) -> bytes:
    """The report's figures as UTF-8 CSV for Excel (counts only: nobody is named).

    Built whole: a week has at most a few hundred events.
    """
    # Downloads stay in English, whatever language the page is read in: the columns are
    # what spreadsheets and scripts look for.
    with force_locale("en"):
        return b"".join(csv_stream(_rows(report, with_total=with_total)))
