"""Reports: an event's, a week's and one host's figures, as a page and as CSV."""

from __future__ import annotations

from flask import render_template, url_for

from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.events import services as events
from nclw.events.models import Edition, Organisation
from nclw.extensions import db
from nclw.reports import lines, services
from nclw.reports.pages import event_report_download, event_report_page, report_download
from nclw.timezones import utcnow
from nclw.web import or_404


def _edition(year: int) -> Edition:
    return or_404(events.edition_for_year(year))


@bp.get("/events/<int:event_id>/report")
def event_report(event_id: int):
    """Show one event's report: sign-ups over time, what became of them, and how we count."""
    event = load_event(event_id)
    return event_report_page(
        "backoffice/report_event.html",
        event,
        csv_url=url_for("backoffice.event_report_csv", event_id=event.id),
    )


@bp.get("/events/<int:event_id>/report.csv")
def event_report_csv(event_id: int):
    """Download one event's figures as CSV."""
    return event_report_download(load_event(event_id))


@bp.get("/reports/<int:year>")
def week_report(year: int):
    """Show a week's report: all its events, each host, and each event."""
    edition = _edition(year)
    return render_template(
        "backoffice/report_week.html",
        edition=edition,
        organisation=None,
        report=services.week_report(edition, now=utcnow()),
        csv_url=url_for("backoffice.week_report_csv", year=year),
        event_endpoint="backoffice.event_report",
        host_url=lambda organisation: url_for(
            "backoffice.organisation_report", year=year, organisation_id=organisation.id
        ),
        **lines.PAGE_NOTES,
    )


@bp.get("/reports/<int:year>.csv")
def week_report_csv(year: int):
    """Download a week's figures as CSV, one line per event and the total."""
    report = services.week_report(_edition(year), now=utcnow())
    return report_download(report, f"report-week-{year}.csv", with_total=True)


@bp.get("/reports/<int:year>/organisations/<int:organisation_id>")
def organisation_report(year: int, organisation_id: int):
    """Show one host's events in a week: the report its partner users see."""
    edition = _edition(year)
    organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "backoffice/report_week.html",
        edition=edition,
        organisation=organisation,
        report=services.organisation_report(organisation, edition, now=utcnow()),
        csv_url=url_for(
            "backoffice.organisation_report_csv", year=year, organisation_id=organisation.id
        ),
        event_endpoint="backoffice.event_report",
        **lines.PAGE_NOTES,
    )


@bp.get("/reports/<int:year>/organisations/<int:organisation_id>.csv")
def organisation_report_csv(year: int, organisation_id: int):
    """Download one host's figures for a week as CSV."""
    edition = _edition(year)
    organisation = db.get_or_404(Organisation, organisation_id)
    report = services.organisation_report(organisation, edition, now=utcnow())
    filename = f"report-organisation-{organisation.id}-{year}.csv"
    return report_download(report, filename, with_total=True)
