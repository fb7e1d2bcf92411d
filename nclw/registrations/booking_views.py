"""A professional books places for young people they support, and manages what they booked."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _

from nclw.events.services import get_public_event, sign_up_closed_reason
from nclw.extensions import csrf, limiter
from nclw.forms import ConfirmForm
from nclw.links import absolute_url
from nclw.registrations import bookings
from nclw.registrations.booking_forms import booking_form_for, professional, young_people
from nclw.timezones import utcnow
from nclw.web import confirm_or_400, form_page, or_404, run_form, run_service

bp = Blueprint("bookings", __name__)
# The event page offers professionals the booking form only where they may use it.
bp.add_app_template_global(bookings.may_book_for_others, "may_book_for_young_people")


@bp.route("/events/<slug>/book-for-young-people", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def book(slug: str):
    """Ask who is booking and for whom, then book a place for each young person in turn."""
    event = get_public_event(slug)
    if event is None or not event.open_to_young_people:
        abort(404)
    now = utcnow()
    if not bookings.may_book_for_others(event):
        return render_template(
            "bookings/each_chooses_a_time.html",
            event=event,
            reason=bookings.EACH_CHOOSES_A_TIME,
            event_address=absolute_url(f"/events/{event.slug}"),
        )
    if reason := sign_up_closed_reason(event, now=now):
        return render_template("registrations/closed.html", event=event, reason=reason)
    form = booking_form_for(event)
    if form.is_submitted() and form.add_rows.data:
        form.add_more_rows()
        return render_template("bookings/form.html", event=event, form=form)
    booked = run_form(
        form,
        lambda: bookings.book_for_young_people(
            event, professional(form), young_people(form), declared=form.declared.data, now=now
        ),
        None,
    )
    if booked.ok:
        # The same page whether or not a young person's own address held a ticket already.
        return render_template(
            "bookings/booked.html", event=event, result=booked.value, email=form.email.data
        )
    return form_page("bookings/form.html", form, event=event)


def _booking_or_404(token: str):
    return or_404(bookings.booking_for_link(token))


@bp.get("/bookings/<token>")
def booking(token: str):
    """List the tickets the professional holds for young people, each with a cancel button."""
    found = _booking_or_404(token)
    return render_template(
        "bookings/booking.html",
        booking=found,
        event=found.event,
        tickets=bookings.held_tickets(found),
        form=ConfirmForm(),
        token=token,
    )


@bp.post("/bookings/<token>/tickets/<reference>/cancel")
@limiter.limit("30 per minute")
def cancel_ticket(token: str, reference: str):
    """Cancel one young person's ticket; the place goes to the next person waiting."""
    found = _booking_or_404(token)
    confirm_or_400()
    run_service(
        lambda: bookings.cancel_booked_ticket(found, reference, now=utcnow()),
        _(
            "Ticket %(reference)s is cancelled. We have sent you an email to confirm.",
            reference=reference,
        ),
    )
    return redirect(url_for("bookings.booking", token=token))
