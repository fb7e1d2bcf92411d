"""The dashboard: every event's places, the sign-ups chart and the work waiting."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from nclw.backoffice import reports
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import choose_edition
from nclw.reports import charts
from nclw.timezones import to_uk, utcnow


@bp.get("/")
def dashboard():
    """Show every event's places, the sign-ups chart and the work waiting."""
    edition = choose_edition()
    figures = reports.event_figures(edition, reports.questions_waiting()) if edition else []
    today = to_uk(utcnow()).date()
    chart = (
        charts.daily_bars(
            reports.signups_per_day(edition, today=today), title=_("Sign-ups per day, last 14 days")
        )
        if edition
        else None
    )
    return render_template(
        "backoffice/dashboard.html",
        edition=edition,
        editions=reports.editions(),
        figures=figures,
        chart=chart,
        capacity_bar=charts.capacity_bar,
        questions_total=sum(f.questions_waiting for f in figures),
        proposals_waiting=reports.proposals_waiting(),
        changes_waiting=reports.session_changes_waiting(),
        mail=reports.mail_health(),
    )
