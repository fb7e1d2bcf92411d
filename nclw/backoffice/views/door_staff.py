"""Door staff at an event: give them the event, or take it away."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.accounts import door_staff
from nclw.accounts.models import User
from nclw.backoffice.event_pages import offers_people_actions, refuse_if_cancelled
from nclw.backoffice.forms import DoorStaffForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.events.models import Event
from nclw.extensions import db
from nclw.timezones import utcnow
from nclw.web import run_service


def door_staff_form(event: Event) -> DoorStaffForm | None:
    """The form to give this event to door staff; None when every one of them has it, or
    when the event is cancelled."""
    if not offers_people_actions(event):
        return None
    people = door_staff.door_staff_to_give(event)
    if not people:
        return None
    form = DoorStaffForm()
    form.user_id.choices = [SelectChoice(0, _("Choose door staff"))] + [
        SelectChoice(person.id, f"{person.name} ({person.email})" if person.name else person.email)
        for person in people
    ]
    return form


def _back_to_event(event: Event):
    return redirect(url_for("backoffice.event", event_id=event.id, _anchor="door-staff"))


@bp.post("/events/<int:event_id>/door-staff")
def assign_door_staff(event_id: int):
    """Let one of the door staff check people in at this event."""
    event = load_event(event_id)
    refuse_if_cancelled(event, _("This event is cancelled, so you cannot give it to door staff."))
    form = door_staff_form(event)
    if form is None or not form.validate_on_submit():
        flash(_("Choose who to give this event to from the list of door staff."), "error")
        return _back_to_event(event)
    person = db.get_or_404(User, form.user_id.data)
    run_service(
        lambda: door_staff.assign_door_staff(person, event, actor=current_user, now=utcnow()),
        _("%(email)s can now check people in at this event.", email=person.email),
    )
    return _back_to_event(event)


@bp.post("/events/<int:event_id>/door-staff/<int:user_id>/remove")
def unassign_door_staff(event_id: int, user_id: int):
    """Take this event away from one of the door staff: its check-in desk closes to them."""
    event = load_event(event_id)
    person = db.get_or_404(User, user_id)
    run_service(
        lambda: door_staff.unassign_door_staff(person, event, actor=current_user, now=utcnow()),
        _("%(email)s can no longer check people in at this event.", email=person.email),
    )
    return _back_to_event(event)
