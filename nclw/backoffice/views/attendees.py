"""Attendees: the list, and what an organiser does to one ticket; the check-in desk."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from nclw.backoffice import queries
from nclw.backoffice.forms import CancelTicketForm, CheckInForm
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import (
    back_to_attendees,
    load_event,
    load_registration,
    page_number,
)
from nclw.events.models import Event
from nclw.registrations import messaging, on_the_day
from nclw.registrations import queries as tickets
from nclw.registrations import services as registrations
from nclw.registrations.models import Registration
from nclw.timezones import utcnow
from nclw.web import run_service


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    """List the people signed up, with search and a status filter."""
    event = load_event(event_id)
    search = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status", "")
    found = queries.attendee_page(event, search=search, status=status, page=page_number())
    return render_template(
        "backoffice/attendees.html",
        event=event,
        people=found.items,
        search=search,
        status=status,
        filters=queries.ATTENDEE_FILTERS,
        total=found.total,
        page=found.number,
        pages=found.pages,
        position=tickets.waiting_list_position,
    )


@bp.post("/registrations/<int:registration_id>/promote")
def promote(registration_id: int):
    """Give one person on the waiting list a place."""
    registration = load_registration(registration_id)
    run_service(
        lambda: registrations.promote_registration(registration, actor=current_user, now=utcnow()),
        f"{registration.reference} has a place now. We are emailing them.",
    )
    return back_to_attendees(registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(registration_id: int):
    """Cancel someone's ticket on their behalf, with a reason they will read."""
    registration = load_registration(registration_id)
    form = CancelTicketForm()
    if form.validate_on_submit():
        cancelled = run_service(
            lambda: registrations.cancel_on_their_behalf(
                registration, reason=form.reason.data, actor=current_user, now=utcnow()
            ),
            f"{registration.reference} is cancelled. We are emailing them your reason.",
            errors=form.form_errors,
        )
        if cancelled.ok:
            return back_to_attendees(registration)
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "backoffice/registration_cancel.html", registration=registration, form=form
    )
    return page, status


@bp.post("/registrations/<int:registration_id>/resend")
def resend_ticket(registration_id: int):
    """Email the ticket again."""
    registration = load_registration(registration_id)
    run_service(
        lambda: messaging.resend_ticket(registration, now=utcnow(), actor=current_user),
        f"We are emailing {registration.reference} their ticket again.",
    )
    return back_to_attendees(registration)


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in(registration_id: int):
    """Mark one person as arrived."""
    registration = load_registration(registration_id)
    run_service(
        lambda: on_the_day.check_in(registration, actor=current_user, now=utcnow()),
        f"{registration.reference} ({registration.first_name}) is checked in.",
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
        f"{registration.reference} is "
        + ("no longer marked as a no-show." if undo else "marked as a no-show."),
    )
    return back_to_attendees(registration)


@bp.route("/events/<int:event_id>/check-in", methods=["GET", "POST"])
def check_in_desk(event_id: int):
    """Check people in by ticket reference; a scanned QR code opens this page filled in."""
    event = load_event(event_id)
    form = CheckInForm(reference=request.args.get("reference", ""))
    if form.validate_on_submit():
        # A refusal ("already checked in", "no such ticket") is shown beside the field.
        checked = run_service(
            lambda: on_the_day.check_in_by_reference(
                event, form.reference.data, actor=current_user, now=utcnow()
            ),
            lambda registration: (
                f"{registration.reference} ({registration.first_name}) is checked in."
            ),
            errors=form.reference.errors,
        )
        if checked.ok:
            return redirect(url_for("backoffice.check_in_desk", event_id=event.id))
    return render_template(
        "backoffice/check_in.html",
        event=event,
        form=form,
        scanned=_scanned_ticket(event, form),
        recent=queries.recent_check_ins(event),
        checked_in=tickets.count_recipients(event, tickets.MessageAudience.CHECKED_IN),
    ), 400 if form.errors else 200


def _scanned_ticket(event: Event, form: CheckInForm) -> Registration | None:
    # A scanned QR code is a GET with the reference filled in: show whose ticket it is
    # before anyone presses "Check in".
    parsed = on_the_day.parse_reference(form.reference.data or "")
    if parsed and request.method == "GET":
        return queries.ticket_by_reference(event, parsed)
    return None
