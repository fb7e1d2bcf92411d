"""One person's ticket: their details, every email sent to them, its history; fix a typo."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice.attendee_record import attendee_record
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_registration
from nclw.registrations.corrections import Correction, correct_details
from nclw.registrations.forms import CorrectDetailsForm
from nclw.registrations.sign_up_answers import answers_for
from nclw.timezones import utcnow
from nclw.web import form_page, run_form


def _corrected(correction: Correction) -> str:
    if correction.address_changed:
        return _("Saved. We are emailing their ticket to the new address and telling the old one.")
    return _("Saved.")


@bp.route("/registrations/<int:registration_id>", methods=["GET", "POST"])
def attendee(registration_id: int):
    """Show one ticket in full, and correct a typo in the name or email address."""
    registration = load_registration(registration_id)
    # Filled in from the ticket only when shown: what a POST leaves out is missing, not kept.
    form = CorrectDetailsForm(obj=None if request.method == "POST" else registration)
    corrected = run_form(
        form,
        lambda: correct_details(
            registration,
            first_name=form.first_name.data,
            email=form.email.data,
            actor=current_user,
            now=utcnow(),
        ),
        _corrected,
    )
    if corrected.ok:
        return redirect(url_for("backoffice.attendee", registration_id=registration.id))
    return form_page(
        "backoffice/attendee.html",
        form,
        record=attendee_record(registration),
        answers=answers_for(registration),
    )
