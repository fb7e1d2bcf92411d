"""Downloads: attendee lists as CSV or XLSX, with the columns the organiser picks."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.backoffice import exports, queries, reports
from nclw.backoffice.forms import ExportForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.events.models import Edition
from nclw.extensions import db
from nclw.timezones import to_uk, utcnow
from nclw.web import attachment, form_page

WEEK = "week-"  # a scope of "week-<edition id>" is the whole week; a bare number is one event


def _export_form() -> ExportForm:
    form = ExportForm()
    form.scope.choices = [
        SelectChoice(f"{WEEK}{e.id}", _("The whole week %(year)s", year=e.year))
        for e in reports.editions()
    ] + [
        SelectChoice(str(event.id), f"{event.title} ({to_uk(event.starts_at):%d %b %Y})")
        for event in queries.events_newest_first()
    ]
    # "Download attendees" on an event's page opens this form with that event chosen.
    if request.method == "GET" and request.args.get("event_id"):
        form.scope.data = request.args["event_id"]
    return form


@bp.route("/exports", methods=["GET", "POST"])
def export():
    """Download attendee lists as CSV or XLSX, with the columns you pick."""
    form = _export_form()
    if not form.validate_on_submit():
        return form_page("backoffice/export.html", form)
    return _download(form)


def _download(form: ExportForm) -> Response:
    target, query, label = _scope(form.scope.data)
    columns = form.chosen_columns()
    extra = (
        exports.answer_columns(target)
        if form.include_answers.data and not form.scope.data.startswith(WEEK)
        else []
    )
    file_format = form.file_format.data
    reason = form.access_needs_reason.data.strip() if form.include_access_needs.data else ""
    exports.record_download(
        target,
        label=label,
        file_format=file_format,
        columns=columns + [column.key for column in extra],
        access_needs_reason=reason,
        actor=current_user,
    )
    # The audit entry is saved before the first byte goes out, whatever happens to the file.
    db.session.commit()
    if file_format == "xlsx":
        rows = exports.export_rows(query, columns, for_spreadsheet=True, extra=extra)
        body, mimetype, extension = exports.xlsx_stream(rows), exports.XLSX_MIMETYPE, "xlsx"
    else:
        rows = exports.export_rows(query, columns, extra=extra)
        body, mimetype, extension = exports.csv_stream(rows), exports.CSV_MIMETYPE, "csv"
    filename = f"attendees-{label}-{to_uk(utcnow()):%Y-%m-%d}.{extension}"
    return attachment(stream_with_context(body), filename, mimetype)


def _scope(scope: str):
    """What the chosen scope exports: its target for the audit log, its rows, its file label."""
    if scope.startswith(WEEK):
        edition = db.get_or_404(Edition, int(scope.removeprefix(WEEK)))
        return edition, exports.registrations_query(edition_id=edition.id), f"week-{edition.year}"
    event = load_event(int(scope))
    return event, exports.registrations_query(event=event), event.slug
