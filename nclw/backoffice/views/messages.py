"""Message attendees: write (or start from a template), preview, then send now or later."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nclw.backoffice import queries
from nclw.backoffice.event_pages import refuse_if_cancelled
from nclw.backoffice.message_forms import MessageForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.errors import NclwError
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import messages as ticket_messages
from nclw.registrations import messaging, scheduled_messages
from nclw.registrations.message_templates import message_templates
from nclw.registrations.models import MessageAudience, MessageTemplate
from nclw.registrations.queries import count_recipients
from nclw.timezones import format_stamp, utcnow
from nclw.web import form_status, query_int, run_service


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
def message_attendees(event_id: int):
    """Write to the people signed up: preview first, then send or set it to go later."""
    event = load_event(event_id)
    # Everyone was told when it was cancelled; a later message would only confuse them.
    refuse_if_cancelled(
        event, _("This event is cancelled, so you cannot message the people who signed up.")
    )
    form = MessageForm()
    if not form.is_submitted():
        _fill_from_template(form)
    elif form.validate():
        audience = MessageAudience(form.audience.data)
        action = request.form.get("action")
        if action == "edit":
            return _compose_page(event, form)
        if form.confirmed.data != "yes" or action != "send":
            return _preview(event, form, audience)
        done = run_service(
            lambda: _send(event, form, audience), _sent_words(form), errors=form.form_errors
        )
        if done.ok:
            return redirect(url_for("backoffice.event_messages", event_id=event.id))
    return _compose_page(event, form, status=form_status(form))


def _fill_from_template(form: MessageForm) -> None:
    template_id = query_int("template")
    template = db.session.get(MessageTemplate, template_id) if template_id else None
    if template is not None:
        form.subject.data, form.body.data = template.subject, template.body


def _compose_page(event: Event, form: MessageForm, *, status: int = 200):
    return render_template(
        "backoffice/message.html", event=event, form=form, templates=message_templates()
    ), status


def _send(event: Event, form: MessageForm, audience: MessageAudience):
    if form.later:
        later = scheduled_messages.LaterMessage(
            audience, form.subject.data, form.body.data, form.send_at_utc()
        )
        return scheduled_messages.schedule_message(event, later, actor=current_user, now=utcnow())
    return messaging.message_attendees(
        event, audience, form.subject.data, form.body.data, actor=current_user, now=utcnow()
    )


def _sent_words(form: MessageForm):
    if form.later:
        return lambda message: _(
            "Your message will go %(moment)s.", moment=format_stamp(message.send_at)
        )
    return lambda sent: ngettext(
        "Your message is on its way to %(num)d person.",
        "Your message is on its way to %(num)d people.",
        sent,
    )


def _preview(event: Event, form: MessageForm, audience: MessageAudience):
    try:
        scheduled_messages.check_message(
            event,
            form.subject.data,
            form.body.data,
            send_at=form.send_at_utc() if form.later else None,
            now=utcnow(),
        )
    except NclwError as error:
        form.form_errors.append(error.message)
        return _compose_page(event, form, status=400)
    sample = queries.first_recipient(event, audience)
    email = (
        ticket_messages.attendee_message(sample, form.subject.data, form.body.data)
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
        email=email,
        sample=sample,
        send_at=form.send_at_utc() if form.later else None,
    )
