"""Development-only: read the emails the site would have sent."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import email_path, list_emails, read_email
from nclw.mail.status import mail_health
from nclw.web import attachment, or_404

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")


@bp.before_request
def only_in_development() -> None:
    """These pages show people's emails: they exist only in development and tests."""
    if not (current_app.config.get("DEVELOPMENT") or current_app.config.get("TESTING")):
        abort(404)


def _directory() -> str:
    return current_app.config["MAIL_FILE_DIRECTORY"]


@bp.get("/")
def inbox():
    """List the emails written to the development mail folder."""
    return render_template(
        "mail_dev/inbox.html", emails=list_emails(_directory()), health=mail_health()
    )


@bp.post("/send")
def send_now():
    """Deliver whatever is waiting in the outbox now."""
    report = send_pending()
    flash(
        _(
            "Sent %(sent)s. Waiting to retry: %(retried)s. Failed: %(failed)s.",
            sent=report.sent,
            retried=report.retried,
            failed=report.failed,
        )
    )
    return redirect(url_for("mail.inbox"))


@bp.get("/<name>")
def message(name: str):
    """Show one email: its text, and its calendar part if it has one."""
    email = or_404(read_email(_directory(), name))
    return render_template("mail_dev/message.html", email=email)


@bp.get("/<name>/html")
def message_html(name: str):
    """The HTML version, as an email program would show it (sandboxed: no scripts)."""
    email = read_email(_directory(), name)
    if email is None or email.html is None:
        abort(404)
    response = Response(email.html, mimetype="text/html")
    # Emails carry inline styles; let them show here, in a sandbox that runs nothing.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@bp.get("/<name>/download")
def download(name: str):
    """The raw .eml file, to open in a real email program."""
    path = or_404(email_path(_directory(), name))
    return attachment(path.read_bytes(), path.name, "message/rfc822")
