"""An event's time slots: make a run of them, change or remove one nobody holds."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nclw.backoffice.slot_forms import EditSlotForm, MakeSlotsForm, WaitingListsForm, uk_to_utc
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.extensions import db
from nclw.registrations import slot_changes, slot_waits, slots
from nclw.registrations.slot_models import EventSlot
from nclw.timezones import to_uk, utcnow
from nclw.web import confirm_or_400, form_page, form_status, run_form, run_service


def _load_slot(event_id: int, slot_id: int) -> EventSlot:
    slot = db.get_or_404(EventSlot, slot_id)
    if slot.event_id != event_id:
        abort(404)
    return slot


@bp.route("/events/<int:event_id>/slots", methods=["GET", "POST"])
def event_slots(event_id: int):
    """List the event's slots, and make more of them."""
    event = load_event(event_id)
    form = MakeSlotsForm()
    done = run_form(
        form,
        lambda: slot_changes.make_slots(
            event,
            first_starts_at=uk_to_utc(form.first_starts_at.data),
            count=form.count.data,
            minutes=form.minutes.data,
            capacity=form.capacity.data,
            now=utcnow(),
        ),
        lambda made: ngettext("%(num)d slot made.", "%(num)d slots made.", len(made)),
    )
    if done.ok:
        return redirect(url_for("backoffice.event_slots", event_id=event_id))
    status = form_status(form)
    return _slots_page(event, form, WaitingListsForm(formdata=None), status)


def _slots_page(event, form: MakeSlotsForm, waiting_form: WaitingListsForm, status: int):
    if waiting_form.waiting_lists.data is None:
        waiting_form.waiting_lists.data = slot_waits.choice_of(event)
    the_slots = slots.event_slots(event.id)
    return render_template(
        "backoffice/slots.html",
        event=event,
        slots=the_slots,
        day=slots.one_day_of(the_slots),
        form=form,
        waiting_form=waiting_form,
    ), status


@bp.post("/events/<int:event_id>/slots/waiting-lists")
def slot_waiting_lists(event_id: int):
    """Choose one waiting list for the event, or one for each time."""
    event = load_event(event_id)
    form = WaitingListsForm()
    done = run_form(
        form,
        lambda: slot_waits.set_waiting_lists(
            event, form.waiting_lists.data, actor=current_user, now=utcnow()
        ),
        lambda changed: _("Waiting lists changed.") if changed else _("Nothing changed."),
    )
    if done.ok:
        return redirect(url_for("backoffice.event_slots", event_id=event_id))
    return _slots_page(event, MakeSlotsForm(formdata=None), form, 400)


@bp.route("/events/<int:event_id>/slots/<int:slot_id>/edit", methods=["GET", "POST"])
def edit_slot(event_id: int, slot_id: int):
    """Change one slot's time, length or places, while nobody holds it."""
    slot = _load_slot(event_id, slot_id)
    form = EditSlotForm()
    if not form.is_submitted():
        form.starts_at.data = to_uk(slot.starts_at).replace(tzinfo=None)
        form.minutes.data = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
        form.capacity.data = slot.capacity
    done = run_form(
        form,
        lambda: slot_changes.edit_slot(
            slot,
            starts_at=uk_to_utc(form.starts_at.data),
            minutes=form.minutes.data,
            capacity=form.capacity.data,
            now=utcnow(),
        ),
        _("Slot changed."),
    )
    if done.ok:
        return redirect(url_for("backoffice.event_slots", event_id=event_id))
    return form_page("backoffice/slot_form.html", form, event=load_event(event_id), slot=slot)


@bp.post("/events/<int:event_id>/slots/<int:slot_id>/remove")
def remove_slot(event_id: int, slot_id: int):
    """Remove one slot nobody holds."""
    slot = _load_slot(event_id, slot_id)
    confirm_or_400()
    run_service(lambda: slot_changes.remove_slot(slot, now=utcnow()), _("Slot removed."))
    return redirect(url_for("backoffice.event_slots", event_id=event_id))
