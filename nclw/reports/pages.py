"""A report as the back office and the partner area both show it: the page, and its CSV.

Counts only, nobody named: a plain GET, with nothing for the audit log.
"""

from __future__ import annotations

from flask import Response, render_template

from nclw.events.models import Event
from nclw.exports import CSV_MIMETYPE
from nclw.reports import lines, services
from nclw.reports.downloads import report_csv
from nclw.timezones import utcnow
from nclw.web import attachment


def event_report_page(template: str, event: Event, *, csv_url: str) -> str:
    """The page of one event's report, drawn with `template`."""
    return render_template(
        template,
        event=event,
        report=services.event_report(event, now=utcnow()),
        csv_url=csv_url,
        event_endpoint=None,
        **lines.PAGE_NOTES,
    )


def event_report_download(event: Event) -> Response:
    """One event's figures as a CSV file to save."""
    report = services.event_report(event, now=utcnow())
    return report_download(report, f"report-{event.slug}.csv", with_total=False)


def report_download(report: services.Report, filename: str, *, with_total: bool) -> Response:
    """A report's figures as a CSV file to save; `with_total` adds the line for all events."""
    return attachment(report_csv(report, with_total=with_total), filename, CSV_MIMETYPE)
