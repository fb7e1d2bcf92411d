"""Attendees, many at once: tick people on the list, choose what to do, confirm, done."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice.attendee_forms import BulkActionForm
from nclw.backoffice.event_pages import refuse_if_cancelled
from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.backoffice.views.attendees import attendee_list, list_args
from nclw.errors import NclwError
from nclw.events.models import Event
from nclw.registrations import bulk
from nclw.registrations.bulk import BulkAction, BulkPlan
from nclw.timezones import utcnow
from nclw.web import database_ids, run_service


def _chosen() -> list[int]:
    """The people ticked, and everyone on the page when that box is ticked."""
    chosen = database_ids(request.form.getlist("person"))
    if request.form.get("everyone_on_page") == "yes":
        chosen += database_ids(request.form.getlist("on_page"))
    return sorted(set(chosen))


@bp.post("/events/<int:event_id>/attendees/bulk")
def attendees_bulk(event_id: int):
    """Say whom the action touches and skips; once confirmed, do it to each of them."""
    event = load_event(event_id)
    refuse_if_cancelled(
        event,
        _(
            "This event is cancelled, so you cannot check in, message or move the people "
            "who signed up."
        ),
    )
    form = BulkActionForm()
    chosen = _chosen()
    confirming = form.confirmed.data == "yes"
    if not form.validate_on_submit():
        # A message or reason of the wrong shape is shown again where it was typed.
        plan = _plan_or_none(event, form, chosen) if confirming else None
        if plan is not None:
            return _confirmation(event, form, plan, 400)
        return attendee_list(event, form, chosen=chosen, status_code=400)
    try:
        plan = bulk.plan_bulk(event, BulkAction(form.action.data), chosen, actor=current_user)
    except NclwError as refusal:
        form.form_errors.append(refusal.message)
        return attendee_list(event, form, chosen=chosen, status_code=refusal.status_code)
    if not confirming:
        return _confirmation(event, form, plan, 200)
    done = run_service(
        lambda: bulk.run_bulk(
            event,
            plan.action,
            chosen,
            actor=current_user,
            now=utcnow(),
            reason=form.reason.data or "",
            subject=form.subject.data or "",
            body=form.body.data or "",
        ),
        lambda result: result.in_words(),
        errors=form.form_errors,
    )
    if not done.ok:
        return _confirmation(event, form, plan, done.error.status_code)
    for problem in done.value.problems_in_words():
        flash(problem, "warning")
    return redirect(url_for("backoffice.attendees", event_id=event.id, **_list_query()))


def _plan_or_none(event: Event, form: BulkActionForm, chosen: list[int]) -> BulkPlan | None:
    if form.action.errors:
        return None
    try:
        return bulk.plan_bulk(event, BulkAction(form.action.data), chosen, actor=current_user)
    except NclwError:
        return None


def _list_query() -> dict:
    """The list's search, filter and page, left out where they are the default."""
    args = list_args()
    return {key: value for key, value in args.items() if value and (key, value) != ("page", 1)}


def _confirmation(event: Event, form: BulkActionForm, plan: BulkPlan, status_code: int):
    # The page sends the form back confirmed, so the next press does it.
    form.confirmed.data = "yes"
    page = render_template(
        "backoffice/attendees_confirm.html",
        event=event,
        form=form,
        plan=plan,
        back=url_for("backoffice.attendees", event_id=event.id, **_list_query()),
        again=url_for("backoffice.attendees_bulk", event_id=event.id, **_list_query()),
    )
    return page, status_code
