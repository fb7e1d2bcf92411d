"""An event's messages: every one sent and how many it reached; change or cancel one waiting."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice.message_forms import ScheduledMessageForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.extensions import db
from nclw.forms import ConfirmForm
from nclw.registrations import scheduled_messages
from nclw.registrations.message_history import message_history
from nclw.registrations.models import EventMessage, MessageAudience
from nclw.timezones import format_stamp, utcnow
from nclw.web import form_page, run_service


def _load_message(event_id: int, message_id: int) -> EventMessage:
    message = db.get_or_404(EventMessage, message_id)
    if message.event_id != event_id:
        abort(404)
    return message


@bp.get("/events/<int:event_id>/messages")
def event_messages(event_id: int):
    """Every message written for the event, waiting or sent, with how many it reached."""
    event = load_event(event_id)
    return render_template(
        "backoffice/event_messages.html",
        event=event,
        lines=message_history(event),
    )


@bp.route("/events/<int:event_id>/messages/<int:message_id>/edit", methods=["GET", "POST"])
def edit_event_message(event_id: int, message_id: int):
    """Change a message that is waiting to go: who gets it, its words or its time."""
    message = _load_message(event_id, message_id)
    if not message.is_scheduled:
        return redirect(url_for("backoffice.event_messages", event_id=event_id))
    form = ScheduledMessageForm(obj=message)
    if not form.is_submitted():
        form.audience.data = message.audience.value
        form.show_send_at(message.send_at)
    elif form.validate():
        done = run_service(
            lambda: scheduled_messages.edit_scheduled_message(
                message,
                scheduled_messages.LaterMessage(
                    MessageAudience(form.audience.data),
                    form.subject.data,
                    form.body.data,
                    form.send_at_utc(),
                ),
                actor=current_user,
                now=utcnow(),
            ),
            lambda changed: _(
                "Message changed. It will go %(moment)s.", moment=format_stamp(changed.send_at)
            ),
            errors=form.form_errors,
        )
        if done.ok:
            return redirect(url_for("backoffice.event_messages", event_id=event_id))
    return form_page(
        "backoffice/event_message_form.html", form, event=message.event, message=message
    )


@bp.post("/events/<int:event_id>/messages/<int:message_id>/cancel")
def cancel_event_message(event_id: int, message_id: int):
    """Stop a waiting message from going."""
    message = _load_message(event_id, message_id)
    if ConfirmForm().validate_on_submit():
        run_service(
            lambda: scheduled_messages.cancel_scheduled_message(
                message, actor=current_user, now=utcnow()
            ),
            _("Message cancelled. Nobody will get it."),
        )
    return redirect(url_for("backoffice.event_messages", event_id=event_id))
