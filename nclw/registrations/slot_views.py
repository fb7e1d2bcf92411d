"""A ticket's time slot: shown on the ticket page, and changed from it."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_babel import gettext as _

from nclw.events.cache import EventPagePart, add_event_page_part
from nclw.registrations import slot_changes, slot_waits, slots
from nclw.registrations.forms import change_slot_form
from nclw.registrations.ticket_links import ticket_for_link
from nclw.registrations.views import about_ticket
from nclw.timezones import utcnow
from nclw.web import form_page, or_404, run_form

bp = Blueprint("slots", __name__)
bp.add_app_template_global(slots.slot_of, "slot_of_ticket")
# Organisers' lists, sheets and the door desk show each ticket's time: one query per page.
bp.add_app_template_global(slots.held_times, "ticket_times")
# Where each time has its own waiting list: the time a person waits for.
bp.add_app_template_global(slots.slot_waited_for, "slot_waited_for")
bp.add_app_template_global(slot_waits.waited_times, "waited_times")
# A slot in a list of them: its times where the list names the day once (one_day_of).
bp.add_app_template_global(slots.slot_words, "slot_words")
# An event page's "How long": one slot's length where the event is split into slots.
bp.add_app_template_global(slots.how_long, "how_long")
bp.record_once(
    lambda state: add_event_page_part(
        state.app, EventPagePart(sql=slots.SLOT_TIMES_STAMP, personal=lambda: False)
    )
)


@bp.route("/tickets/<token>/time", methods=["GET", "POST"])
def change_time(token: str):
    """List the free times, then move the ticket to the one chosen."""
    registration = or_404(ticket_for_link(token))
    current = slots.slot_of(registration)
    if current is None or not registration.holds_place:
        abort(404)
    form = change_slot_form(registration, current, now=utcnow())
    outcome = run_form(
        form,
        lambda: slot_changes.move_to_slot(registration, form.slot_id.data, now=utcnow()),
        lambda slot: _(
            "Your new time is %(time)s. We have emailed you the new details.", time=slot.when
        ),
    )
    if outcome.ok:
        return redirect(url_for("registrations.ticket", token=token))
    return form_page(
        "registrations/change_time.html",
        form,
        current=current,
        **about_ticket(registration, token),
    )
