"""Attendees: the list, and what an organiser does to one ticket."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice import queries
from nclw.backoffice.attendee_forms import BulkActionForm
from nclw.backoffice.event_pages import offers_people_actions, refuse_if_cancelled
from nclw.backoffice.forms import CancelTicketForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import (
    back_to_attendees,
    load_event,
    load_registration,
    page_number,
)
from nclw.events.models import Event
from nclw.registrations import messaging, on_the_day, on_their_behalf, waiting_list
from nclw.registrations import queries as tickets
from nclw.registrations.bookings import event_bookings
from nclw.timezones import utcnow
from nclw.web import form_page, query_int, run_form, run_service


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    """List the people signed up, with search, a status filter and tick boxes."""
    return attendee_list(load_event(event_id), BulkActionForm(formdata=None))


def list_args() -> dict:
    """The list's search, filter and page as asked for, to draw it or go back to it."""
    return {
        "q": (request.args.get("q") or "").strip()[:100],
        "status": request.args.get("status", ""),
        "page": page_number(),
        "booking": query_int("booking"),
    }


def attendee_list(event: Event, form: BulkActionForm, *, chosen=(), status_code: int = 200):
    """The list page: `form` is the form for the ticked people, with any errors it has."""
    args = list_args()
    found = queries.attendee_page(
        event,
        search=args["q"],
        status=args["status"],
        page=args["page"],
        booking=args["booking"],
    )
    page = render_template(
        "backoffice/attendees.html",
        event=event,
        people=found.items,
        search=args["q"],
        status=args["status"],
        filters=queries.ATTENDEE_FILTERS,
        bookings=event_bookings(event),
        booking=args["booking"],
        total=found.total,
        page=found.number,
        pages=found.pages,
        position=tickets.waiting_list_position,
        offered=tickets.count_offered(event),
        form=form,
        chosen=set(chosen),
        people_actions=offers_people_actions(event),
    )
    return page, status_code


@bp.post("/registrations/<int:registration_id>/promote")
def promote(registration_id: int):
    """Give one person on the waiting list a place."""
    registration = load_registration(registration_id)
    refuse_if_cancelled(
        registration.event, _("This event is cancelled, so you cannot give anyone a place.")
    )
    run_service(
        lambda: waiting_list.promote_registration(registration, actor=current_user, now=utcnow()),
        _("%(reference)s has a place now. We are emailing them.", reference=registration.reference),
    )
    return back_to_attendees(registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(registration_id: int):
    """Cancel someone's ticket on their behalf, with a reason they will read."""
    registration = load_registration(registration_id)
    form = CancelTicketForm()
    cancelled = run_form(
        form,
        lambda: on_their_behalf.cancel_on_their_behalf(
            registration, reason=form.reason.data, actor=current_user, now=utcnow()
        ),
        _(
            "%(reference)s is cancelled. We are emailing them your reason.",
            reference=registration.reference,
        ),
    )
    if cancelled.ok:
        return back_to_attendees(registration)
    return form_page("backoffice/registration_cancel.html", form, registration=registration)


@bp.post("/registrations/<int:registration_id>/resend")
def resend_ticket(registration_id: int):
    """Email the ticket again."""
    registration = load_registration(registration_id)
    run_service(
        lambda: messaging.resend_ticket(registration, now=utcnow(), actor=current_user),
        _("We are emailing %(reference)s their ticket again.", reference=registration.reference),
    )
    return back_to_attendees(registration)


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in(registration_id: int):
    """Mark one person as arrived."""
    registration = load_registration(registration_id)
    run_service(
        lambda: on_the_day.check_in(registration, actor=current_user, now=utcnow()),
        lambda checked: checked.message,
    )
    return back_to_attendees(registration)


@bp.post("/registrations/<int:registration_id>/no-show")
def no_show(registration_id: int):
    """Mark a ticket holder as a no-show, or undo it."""
    registration = load_registration(registration_id)
    undo = request.form.get("undo") == "1"
    run_service(
        lambda: on_the_day.mark_no_show(
            registration, actor=current_user, now=utcnow(), no_show=not undo
        ),
        _("%(reference)s is no longer marked as a no-show.", reference=registration.reference)
        if undo
        else _("%(reference)s is marked as a no-show.", reference=registration.reference),
    )
    return back_to_attendees(registration)
