"""The mail log: every outgoing email with its status; failed ones can be sent again."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice import queries, reports
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import page_number
from nclw.extensions import db
from nclw.mail import status as mail_status
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.timezones import utcnow
from nclw.web import run_service


@bp.get("/mail")
def mail_log():
    """Every outgoing email with its status; failed ones can be sent again."""
    status = request.args.get("status", "")
    found = queries.mail_log_page(status=status, page=page_number())
    return render_template(
        "backoffice/mail_log.html",
        messages=found.items,
        has_more=found.has_more,
        page=found.number,
        status=status,
        statuses=list(MessageStatus),
        health=reports.mail_health(),
    )


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    """Send a failed email again."""
    message = db.get_or_404(OutboxMessage, message_id)
    run_service(
        lambda: mail_status.retry_message(message, actor=current_user, now=utcnow()),
        _("The email is queued to be sent again."),
    )
    return redirect(url_for("backoffice.mail_log", status=request.args.get("status", "")))
