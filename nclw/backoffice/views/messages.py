"""Message attendees: write, preview as one of them would see it, then send."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from nclw.backoffice import queries
from nclw.backoffice.forms import MessageForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.events.models import Event
from nclw.registrations import messages as ticket_messages
from nclw.registrations import messaging
from nclw.registrations.queries import MessageAudience, count_recipients
from nclw.timezones import utcnow
from nclw.web import run_service


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
def message_attendees(event_id: int):
    """Write to the people signed up: preview first, then send through the outbox."""
    event = load_event(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        audience = MessageAudience(form.audience.data)
        action = request.form.get("action")
        if action == "edit":
            return render_template("backoffice/message.html", event=event, form=form)
        if form.confirmed.data != "yes" or action != "send":
            return _preview(event, form, audience)
        sent = run_service(
            lambda: messaging.message_attendees(
                event,
                audience,
                form.subject.data,
                form.body.data,
                actor=current_user,
                now=utcnow(),
            ),
            lambda sent: f"Your message is on its way to {sent} people.",
            errors=form.form_errors,
        )
        if sent.ok:
            return redirect(url_for("backoffice.event", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/message.html", event=event, form=form), status


def _preview(event: Event, form: MessageForm, audience: MessageAudience):
    sample = queries.first_recipient(event, audience)
    preview = (
        ticket_messages.attendee_message(sample, form.subject.data, form.body.data).text_body
        if sample
        else None
    )
    # The preview page sends the form back confirmed, so the next press sends it.
    form.confirmed.data = "yes"
    return render_template(
        "backoffice/message_preview.html",
        event=event,
        form=form,
        count=count_recipients(event, audience),
        audience=audience,
        preview=preview,
        sample=sample,
    )
