"""The audit log: who did what, and when."""

from __future__ import annotations

from flask import render_template, request

from nclw.backoffice import queries
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import page_number


@bp.get("/audit")
def audit_log():
    """Who did what, and when."""
    action = (request.args.get("action") or "").strip()[:60]
    found = queries.audit_log_page(action=action, page=page_number())
    return render_template(
        "backoffice/audit.html",
        entries=found.items,
        has_more=found.has_more,
        page=found.number,
        action=action,
    )
