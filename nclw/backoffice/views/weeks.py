"""Weeks: each year's National Care Leavers' Week, set up and changed by organisers."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nclw.backoffice.forms import WeekForm
from nclw.backoffice.views._blueprint import bp
from nclw.events import weeks
from nclw.events.models import Edition
from nclw.extensions import db
from nclw.timezones import utcnow
from nclw.web import form_page, run_form, run_service


def _details(form: WeekForm) -> weeks.WeekDetails:
    return weeks.WeekDetails(
        year=form.year.data,
        theme=form.theme.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        summary=form.summary.data or "",
    )


@bp.get("/weeks")
def week_list():
    """Every week, the latest first."""
    every_week = weeks.all_weeks()
    return render_template(
        "backoffice/weeks.html", weeks=every_week, copyable=weeks.copyable(every_week)
    )


@bp.post("/weeks/<int:week_id>/copy")
def copy_week(week_id: int):
    """Set up next year's week from this one, its events as drafts."""
    source = db.get_or_404(Edition, week_id)
    copied = run_service(
        lambda: weeks.copy_week(source, year=source.year + 1, actor=current_user, now=utcnow()),
        lambda week: ngettext(
            "The %(year)s week is set up with %(num)d event as drafts, on "
            "the same days of the week. Check each one, then publish it.",
            "The %(year)s week is set up with %(num)d events as drafts, on "
            "the same days of the week. Check each one, then publish it.",
            len(week.events),
            year=week.year,
        ),
    )
    if copied.ok:
        return redirect(url_for("backoffice.event_list", year=copied.value.year))
    return redirect(url_for("backoffice.week_list"))


@bp.route("/weeks/new", methods=["GET", "POST"])
def new_week():
    """Set up a year's week."""
    form = WeekForm()
    made = run_form(
        form,
        lambda: weeks.create_week(_details(form), actor=current_user, now=utcnow()),
        lambda week: _("The %(year)s week is set up. Now add its events.", year=week.year),
    )
    if made.ok:
        return redirect(url_for("backoffice.week_list"))
    return form_page("backoffice/week_form.html", form, week=None)


@bp.route("/weeks/<int:week_id>/edit", methods=["GET", "POST"])
def edit_week(week_id: int):
    """Change a week's theme, days or introduction."""
    week = db.get_or_404(Edition, week_id)
    form = WeekForm(obj=week)
    changed = run_form(
        form,
        lambda: weeks.update_week(week, _details(form), actor=current_user, now=utcnow()),
        _("The week is saved."),
    )
    if changed.ok:
        return redirect(url_for("backoffice.week_list"))
    return form_page("backoffice/week_form.html", form, week=week)
