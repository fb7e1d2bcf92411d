"""Signing up, the confirmation page and managing a ticket without an account."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import segno
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from nclw.errors import NclwError, database_cannot_write, database_writes
from nclw.events.localised import local_text
from nclw.events.services import sign_up_closed_reason
from nclw.events.shortcut import add_shared_page
from nclw.extensions import csrf, db, limiter
from nclw.forms import ConfirmForm
from nclw.links import ticket_url
from nclw.mail import ical
from nclw.registrations import (
    certificate,
    lost_tickets,
    messaging,
    offer_replies,
    offers,
    personal_data,
    queries,
    services,
    slots,
)
from nclw.registrations.forms import (
    WAIT_PREFIX,
    CertificateForm,
    LostTicketForm,
    sign_up_details,
    sign_up_form_for,
)
from nclw.registrations.models import ReleaseRoute
from nclw.registrations.rsvp import reply_address
from nclw.registrations.sign_up_pages import (
    SHARED_FORM,
    check_email_page,
    empty_form_page,
    public_event_or_404,
)
from nclw.registrations.ticket_links import (
    has_door_code,
    ticket_calendar_links,
    ticket_check_in_link,
    ticket_for_link,
)
from nclw.registrations.ticket_words import ticket_words
from nclw.timezones import utcnow
from nclw.web import attachment, confirm_or_400, form_page, or_404, run_service

bp = Blueprint("registrations", __name__)
bp.record_once(lambda state: add_shared_page(state.app, SHARED_FORM))
# Emails about a ticket name it as its page does: a ticket, or a place on the waiting list.
bp.add_app_template_global(ticket_words, "ticket_words")

_FIRST_QUESTION_KEY = "nclw_first_question_sender"


def use_first_question_sender(app: Flask, send: Callable[..., Any]) -> None:
    """Say how to send the question typed on the sign-up form.

    The live Q&A is built on tickets, not the other way round, so it is handed to us here
    (see create_app) rather than imported: `send(registration, text, now=...)`.
    """
    app.extensions[_FIRST_QUESTION_KEY] = send


def _after_sign_up(result: services.SignUpResult, question: str, *, now: datetime) -> None:
    """Email the ticket again to an address that already held one, or send the question typed
    on the form with a new one. Neither shows on the page: that too would differ between an
    address already signed up and a new one. The ticket is kept whatever happens here.
    """
    send_question = current_app.extensions.get(_FIRST_QUESTION_KEY)
    try:
        if result.already_registered:
            messaging.resend_ticket(result.registration, now=now)
        elif question and send_question is not None:
            send_question(result.registration, question, now=now)
        db.session.commit()
    except DBAPIError as error:
        # The ticket was saved a moment ago and stands; the page says what it says for
        # everyone. The ticket page can send the question, or the form resend, later.
        if not database_cannot_write(error):
            raise
        db.session.rollback()


def _registration_or_404(token: str):
    return or_404(ticket_for_link(token))


def about_ticket(registration, token: str) -> dict[str, Any]:
    """What every page about one ticket is drawn with: the ticket, its event, and the link's
    token (its links and buttons lead back through it)."""
    return {"registration": registration, "event": registration.event, "token": token}


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
@limiter.limit("30 per minute", methods=["POST"])
def register(slug: str):
    """Ask for the details an event needs and give a ticket or a waiting-list place."""
    now = utcnow()
    if request.method == "GET":
        return empty_form_page(slug, now=now)
    event = public_event_or_404(slug)
    closed_reason = sign_up_closed_reason(event, now=now)
    if closed_reason:
        return render_template("registrations/closed.html", event=event, reason=closed_reason)
    form = sign_up_form_for(event)
    # As the form said: a full event takes people onto its waiting list. Read before signing
    # up, from what everyone can see, so the page tells nobody what this address held.
    joins_waiting_list = event.is_full
    done_page = check_email_page(event)
    result = _sign_up(form, event, now=now)
    if result is None:
        return render_template("registrations/form.html", event=event, form=form), 400
    # The same page whether or not the address already had a place, so that nobody can learn
    # from it who has signed up: the ticket, and its link, reach only the address's owner.
    question = form.first_question.data if "first_question" in form else ""
    _after_sign_up(result, question, now=now)
    # So does a full time chosen to wait for.
    if "slot_id" in form and str(form.slot_id.data or "").startswith(WAIT_PREFIX):
        joins_waiting_list = True
    return done_page(form.email.data, joins_waiting_list)


def _sign_up(form, event, *, now: datetime) -> services.SignUpResult | None:
    """Sign up with what the form holds; None when it could not be (the form says why)."""
    if not form.validate_on_submit():
        return None
    try:
        with database_writes():
            return services.register(event, sign_up_details(form), now=now)
    except NclwError as error:
        form.form_errors.append(error.message)
        return None


@bp.route("/events/<slug>/lost-ticket", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def lost_ticket(slug: str):
    """Email the ticket again to an address that holds one, without saying whether it does.

    The form has a page of its own, linked from the event page: a form there would put a
    token in every visitor's session, and the event page could never be shared.
    """
    event = public_event_or_404(slug)
    form = LostTicketForm()
    if not form.is_submitted():
        return render_template("registrations/lost_ticket.html", event=event, form=form)
    if not form.validate_on_submit():
        return render_template("registrations/lost_ticket.html", event=event, form=form), 400
    address = form.email.data
    outcome = run_service(
        lambda: lost_tickets.ask_for_ticket_again(event, address, now=utcnow()),
        None,
        errors=form.form_errors,
    )
    if not outcome.ok:
        page = render_template("registrations/lost_ticket.html", event=event, form=form)
        return page, outcome.error.status_code
    return render_template("registrations/resent.html", event=event)


@bp.get("/tickets/<token>/confirmation")
def confirmation(token: str):
    """Where sign-ups used to land; pages bookmarked then now show the ticket."""
    _registration_or_404(token)
    return redirect(url_for("registrations.ticket", token=token), 301)


@bp.get("/tickets/<token>")
def ticket(token: str):
    """Show a ticket: its details, the calendar file and the way to cancel."""
    return ticket_page(_registration_or_404(token), token)


def ticket_page(registration, token: str, *, language_errors=()) -> str:
    """The ticket page; `language_errors` say why the language chosen on it was refused."""
    return render_template(
        "registrations/ticket.html",
        **about_ticket(registration, token),
        position=queries.waiting_list_position(registration),
        offer_open=offers.offer_open(registration, now=utcnow()),
        has_certificate=certificate.certificate_refusal(registration) is None,
        calendar_links=ticket_calendar_links(registration, now=utcnow()),
        words=ticket_words(registration),
        language_errors=language_errors,
    )


@bp.route("/tickets/<token>/certificate", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def ticket_certificate(token: str):
    """Ask what to print, then download a certificate of attendance (checked-in tickets)."""
    registration = _registration_or_404(token)
    refusal = certificate.certificate_refusal(registration)
    if refusal:
        return render_template(
            "registrations/certificate_refused.html",
            event=registration.event,
            token=token,
            message=refusal,
        ), 409
    form = CertificateForm()
    if form.validate_on_submit():
        pdf = certificate.certificate_pdf(
            registration, full_name=form.full_name.data or "", mention_care=form.mention_care.data
        )
        # It carries the name typed for it: no copy in any cache on the way.
        return attachment(pdf, "certificate-of-attendance.pdf", "application/pdf", no_store=True)
    return form_page(
        "registrations/certificate.html",
        form,
        event=registration.event,
        token=token,
        title_mentions_care=certificate.mentions_care(registration.event.title),
    )


@bp.get("/tickets/<token>/invite.ics")
def ticket_calendar(token: str):
    """Download this ticket's calendar invite (with the joining link while confirmed)."""
    registration = _registration_or_404(token)
    if not registration.is_confirmed:
        abort(404)
    invite = ical.ticket_calendar(
        registration,
        ticket_link=ticket_url(token),
        reply_address=reply_address(registration, give_code=False),
        times=slots.ticket_times(registration),
        title=local_text(registration.event, "title"),
    )
    return attachment(invite, "ticket.ics", "text/calendar")


@bp.route("/tickets/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Ask once more, then cancel the ticket and free the place (reminders link here too)."""
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if registration.is_cancelled:
        flash(_("This ticket is already cancelled."), "info")
        return redirect(url_for("registrations.ticket", token=token))
    # The form posts back to this address, so a reminder's marker comes with it.
    from_reminder = request.args.get("from") == "reminder"
    via = ReleaseRoute.REMINDER if from_reminder else ReleaseRoute.TICKET_PAGE
    if form.validate_on_submit():
        run_service(
            lambda: services.cancel_registration(registration, now=utcnow(), via=via),
            _("Your ticket is cancelled. We have sent you an email to confirm."),
        )
        return redirect(url_for("registrations.ticket", token=token))
    return render_template(
        "registrations/cancel.html",
        form=form,
        from_reminder=from_reminder,
        **about_ticket(registration, token),
    )


@bp.get("/tickets/<token>/offer")
def offer(token: str):
    """Show the place offered and its deadline, with one button to claim it."""
    registration = _registration_or_404(token)
    return render_template(
        "registrations/offer.html",
        still_open=offers.offer_open(registration, now=utcnow()),
        form=ConfirmForm(),
        **about_ticket(registration, token),
    )


@bp.post("/tickets/<token>/offer")
@limiter.limit("20 per minute")
def claim_offer(token: str):
    """Claim the place offered: the ticket is confirmed."""
    return _reply_to_offer(
        token,
        offer_replies.claim_offer,
        _("The place is yours. We have emailed you your ticket and a calendar invite."),
    )


@bp.post("/tickets/<token>/offer/decline")
@limiter.limit("20 per minute")
def decline_offer(token: str):
    """Say no thanks: the place goes to the next person waiting."""
    return _reply_to_offer(
        token,
        offer_replies.decline_offer,
        _("You said no thanks. The place has gone to the next person waiting."),
    )


def _reply_to_offer(token: str, reply: Callable[..., Any], done: str):
    registration = _registration_or_404(token)
    confirm_or_400()
    run_service(lambda: reply(registration, now=utcnow()), done)
    return redirect(url_for("registrations.ticket", token=token))


@bp.get("/tickets/<token>/qr.svg")
def ticket_qr(token: str):
    """The QR code an organiser scans at the door: a link to check this ticket in."""
    registration = _registration_or_404(token)
    if not has_door_code(registration):
        abort(404)
    out = io.BytesIO()
    segno.make(ticket_check_in_link(registration), error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, title=registration.reference
    )
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.route("/tickets/<token>/delete", methods=["GET", "POST"])
def delete_details(token: str):
    """Ask once more, then cancel the ticket and delete everything that identifies the person."""
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and run_service(
            lambda: personal_data.delete_my_details(registration, now=utcnow()), None
        ).ok
    ):
        return redirect(url_for("registrations.details_deleted"))
    return render_template(
        "registrations/delete_details.html", form=form, **about_ticket(registration, token)
    )


@bp.post("/tickets/<token>/consent/<consent>/withdraw")
def withdraw_consent(token: str, consent: str):
    """Take back sharing with the host, or emails about other events."""
    registration = _registration_or_404(token)
    try:
        which = personal_data.Consent(consent)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    done = {
        personal_data.Consent.SHARE_WITH_HOST: _(
            "%(host)s can no longer see your details.", host=registration.event.host.name
        ),
        personal_data.Consent.FUTURE_EVENTS: _("We will not email you about other events."),
    }[which]
    run_service(lambda: personal_data.withdraw_consent(registration, which, now=utcnow()), done)
    return redirect(url_for("registrations.ticket", token=token, _anchor="your-details"))


@bp.get("/tickets/deleted")
def details_deleted():
    """Confirm that a person's details are gone."""
    return render_template("registrations/details_deleted.html")
