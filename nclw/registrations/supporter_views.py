"""A young person adds a supporter to their ticket, or takes them off it, from the ticket page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from nclw.events.models import Event
from nclw.forms import ConfirmForm
from nclw.registrations import supporters
from nclw.registrations.models import Registration
from nclw.registrations.supporter_forms import AddSupporterForm, supporter_details
from nclw.registrations.ticket_links import ticket_for_link
from nclw.registrations.views import about_ticket
from nclw.timezones import utcnow
from nclw.web import form_page, or_404, run_form, run_service

bp = Blueprint("supporters", __name__)


@bp.app_template_global("supporter_actions")
def supporter_actions(registration: Registration) -> dict[str, bool]:
    """What the ticket page offers about a supporter: to add one, or to remove theirs."""
    return {
        "add": supporters.can_add_supporter(registration),
        "remove": supporters.can_remove_supporter(registration),
    }


@bp.app_template_global("supporter_places")
def supporter_places(event: Event) -> supporters.PlacesTaken:
    """Places taken at an event, people and supporters apart, for the organisers' pages."""
    return supporters.places_taken(event)


@bp.route("/tickets/<token>/supporter/add", methods=["GET", "POST"])
def add(token: str):
    """Ask for the supporter's first name and role, then add them if a place allows."""
    registration = or_404(ticket_for_link(token))
    form = AddSupporterForm()
    if not supporters.can_add_supporter(registration):
        return redirect(url_for("registrations.ticket", token=token))
    done = run_form(
        form,
        lambda: supporters.add_supporter(registration, supporter_details(form), now=utcnow()),
        _("Your supporter is on your ticket."),
    )
    if done.ok:
        return redirect(url_for("registrations.ticket", token=token))
    return form_page("registrations/supporter_add.html", form, **about_ticket(registration, token))


@bp.route("/tickets/<token>/supporter/remove", methods=["GET", "POST"])
def remove(token: str):
    """Ask once more, then take the supporter off the ticket and free their place."""
    registration = or_404(ticket_for_link(token))
    if not supporters.can_remove_supporter(registration):
        return redirect(url_for("registrations.ticket", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(
            lambda: supporters.remove_supporter(registration, now=utcnow()),
            _("Your supporter is no longer on your ticket."),
        )
        return redirect(url_for("registrations.ticket", token=token))
    return render_template(
        "registrations/supporter_remove.html", form=form, **about_ticket(registration, token)
    )
