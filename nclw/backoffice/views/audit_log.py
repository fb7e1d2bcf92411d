"""The audit log: who did what, and when, in sentences."""

from __future__ import annotations

from flask import render_template, request

from nclw.backoffice import queries
from nclw.backoffice.audit_forms import AuditFilterForm
from nclw.backoffice.audit_lines import audit_lines
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import page_number


@bp.get("/audit")
def audit_log():
    """Who did what, and when; narrowed by dates, person, event and kind of action."""
    form = AuditFilterForm(formdata=request.args)
    form.offer(people=queries.audit_people(), events=queries.audit_events())
    if not form.validate():
        # The filters say what to fix; a list that ignored them would look like an answer.
        return render_template("backoffice/audit.html", form=form, lines=None)
    found = queries.audit_log_page(form.filters(), page=page_number())
    return render_template(
        "backoffice/audit.html",
        form=form,
        lines=audit_lines(found.items),
        has_more=found.has_more,
        page=found.number,
        chosen=form.chosen(),
    )
