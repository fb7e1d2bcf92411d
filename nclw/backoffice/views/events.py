"""Events: the list, create, show, edit, publish, unpublish, cancel and duplicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.accounts import door_staff
from nclw.backoffice import queries, reports, wording
from nclw.backoffice.event_pages import event_pages
from nclw.backoffice.forms import CancelEventForm, EventForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import choose_edition, load_event
from nclw.backoffice.views.door_staff import door_staff_form
from nclw.events import services as events
from nclw.events.forms import with_age_rule
from nclw.events.models import EventStatus
from nclw.registrations import event_changes
from nclw.registrations.queries import (
    MessageAudience,
    access_summary,
    count_offered,
    count_recipients,
)
from nclw.timezones import format_when, utcnow
from nclw.web import form_page, run_form, run_service


def _event_form(data: dict | None = None, event=None) -> EventForm:
    form = EventForm(data=data)
    if event is not None:
        with_age_rule(form.age_rule, event.min_age, event.max_age)
    form.host_id.choices = [SelectChoice(0, _("Choose the host organisation"))] + [
        SelectChoice(o.id, o.name) for o in queries.organisations()
    ]
    form.edition_id.choices = [SelectChoice(0, _("Choose the week"))] + [
        SelectChoice(e.id, f"{e.year}: {e.theme}") for e in reports.editions()
    ]
    return form


@bp.get("/events")
def event_list():
    """Every event of the week, drafts included."""
    edition = choose_edition()
    all_events = queries.events_of_edition(edition) if edition else []
    return render_template(
        "backoffice/events.html", edition=edition, events=all_events, statuses=EventStatus
    )


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create a draft event."""
    form = _event_form()
    created = run_form(
        form,
        lambda: events.create_event(form.changes(), actor=current_user, now=utcnow()),
        _("Event saved as a draft. Publish it when it is ready."),
    )
    if created.ok:
        return redirect(url_for("backoffice.event", event_id=created.value.id))
    return form_page("backoffice/event_form.html", form, event=None)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """Show one event with everything an organiser can do to it."""
    event = load_event(event_id)
    waiting = count_recipients(event, MessageAudience.WAITING)
    checked_in = count_recipients(event, MessageAudience.CHECKED_IN)
    return render_template(
        "backoffice/event.html",
        event=event,
        waiting=waiting,
        offered=count_offered(event),
        checked_in=checked_in,
        sign_up_window=wording.sign_up_window(event, now=utcnow()),
        actions=events.event_actions(event),
        pages=event_pages(event),
        cancelled=event.is_cancelled,
        access=access_summary(event),
        door_staff=door_staff.door_staff_at(event),
        door_staff_form=door_staff_form(event),
    )


def _saved(notified: int) -> str:
    if notified:
        return ngettext(
            "Event saved. We are emailing %(num)d person an updated invite.",
            "Event saved. We are emailing %(num)d people an updated invite.",
            notified,
        )
    return _("Event saved.")


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit an event; a new time or place asks first, then tells everyone signed up."""
    event = load_event(event_id)
    # On a POST the form reads what was sent; otherwise it starts from the event as it is.
    form = _event_form(None if request.method == "POST" else EventForm.data_for(event), event)
    if form.validate_on_submit():
        changes = form.changes(current=event)
        to_notify = event_changes.attendees_to_notify(event, changes)
        if to_notify and form.confirmed.data != "yes":
            return render_template(
                "backoffice/event_confirm_change.html",
                form=form,
                event=event,
                count=to_notify,
                now_when=format_when(event.starts_at, event.ends_at),
                new_when=format_when(changes["starts_at"], changes["ends_at"]),
            )
        notified = run_service(
            lambda: event_changes.update_event(event, changes, actor=current_user, now=utcnow()),
            _saved,
            errors=form.form_errors,
        )
        if notified.ok:
            return redirect(url_for("backoffice.event", event_id=event.id))
    return form_page("backoffice/event_form.html", form, event=event)


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int):
    """Put the event on the week page."""
    return _change_event(event_id, events.publish_event, _("Published. People can now sign up."))


@bp.post("/events/<int:event_id>/unpublish")
def unpublish_event(event_id: int):
    """Take the event off the week page (only while nobody is signed up)."""
    return _change_event(
        event_id, event_changes.unpublish_event, _("Unpublished. The event is a draft again.")
    )


def _change_event(event_id: int, change: Callable[..., Any], done: str):
    event = load_event(event_id)
    run_service(lambda: change(event, actor=current_user, now=utcnow()), done)
    return redirect(url_for("backoffice.event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel_event(event_id: int):
    """Ask for a reason, then cancel the event and tell everyone signed up."""
    event = load_event(event_id)
    form = CancelEventForm()
    count = count_recipients(event, MessageAudience.ALL)
    told = run_form(
        form,
        lambda: event_changes.cancel_event(
            event, form.reason.data, actor=current_user, now=utcnow()
        ),
        lambda told: ngettext(
            "Event cancelled. We are emailing %(num)d person.",
            "Event cancelled. We are emailing %(num)d people.",
            told,
        ),
    )
    if told.ok:
        return redirect(url_for("backoffice.event", event_id=event.id))
    return form_page("backoffice/event_cancel.html", form, event=event, count=count)


@bp.post("/events/<int:event_id>/duplicate")
def duplicate_event(event_id: int):
    """Copy the event into a new draft."""
    event = load_event(event_id)
    copy = run_service(
        lambda: events.duplicate_event(event, actor=current_user, now=utcnow()),
        _("This is a copy, saved as a draft. Change what you need, then publish it."),
    )
    if not copy.ok:
        return redirect(url_for("backoffice.event", event_id=event_id))
    return redirect(url_for("backoffice.edit_event", event_id=copy.value.id))
