"""The check-in desk: organisers and door staff check people in by ticket reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.accounts.permissions import can_check_in, is_active_organiser
from nclw.backoffice import queries
from nclw.backoffice.event_pages import refuse_if_cancelled
from nclw.backoffice.forms import CheckInForm
from nclw.backoffice.views._blueprint import bp, open_to_door_staff
from nclw.backoffice.views._helpers import load_event
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import on_the_day
from nclw.registrations import queries as tickets
from nclw.registrations.models import Registration
from nclw.security import uses_camera
from nclw.timezones import utcnow
from nclw.web import LARGEST_ID, run_service


@dataclass(frozen=True)
class DeskFrame:
    """What surrounds the desk: the layout, and the way back."""

    layout: str
    back_url: str
    back_label: str


def _frame(event: Event) -> DeskFrame:
    # Door staff see the desk alone: no back-office menu, and a way back to their events.
    if is_active_organiser(current_user):
        return DeskFrame(
            "backoffice/_layout.html",
            url_for("backoffice.event", event_id=event.id),
            _("Back to the event"),
        )
    return DeskFrame("door/_layout.html", url_for("door.home"), _("Back to your events"))


def _event_to_check_in(event_id: int) -> Event:
    event = load_event(event_id)
    if not can_check_in(current_user, event):
        abort(403)
    return event


@bp.route("/events/<int:event_id>/check-in", methods=["GET", "POST"])
@open_to_door_staff
@uses_camera  # the desk's ticket scanner, which starts only when staff tap "Scan a ticket"
def check_in_desk(event_id: int):
    """Find people by name or reference and check them in; a scanned QR code opens this
    page filled in."""
    event = _event_to_check_in(event_id)
    refuse_if_cancelled(event, _("This event is cancelled, so you cannot open its check-in desk."))
    search = (request.args.get("q") or "").strip()[:80]
    form = CheckInForm(reference=request.args.get("reference", ""))
    if form.validate_on_submit():
        # A refusal ("no such ticket", "another event's ticket") is shown beside the field.
        checked = run_service(
            lambda: on_the_day.check_in_by_reference(
                event, form.reference.data, actor=current_user, now=utcnow()
            ),
            lambda checked: checked.message,
            errors=form.reference.errors,
        )
        if checked.ok:
            return redirect(url_for("backoffice.check_in_desk", event_id=event.id))
    scanned = _scanned_ticket(event, form)
    return render_template(
        "backoffice/check_in.html",
        event=event,
        form=form,
        frame=_frame(event),
        scanned=scanned,
        # When a scanned ticket's holder is due, or the time they wait for.
        scanned_times=on_the_day.found_at_the_desk(event, [scanned] if scanned else []),
        # Door staff see the listed needs that matter at the door, not what people wrote.
        show_notes=is_active_organiser(current_user),
        recent=queries.recent_check_ins(event),
        checked_in=tickets.count_recipients(event, tickets.MessageAudience.CHECKED_IN),
        search=search,
        found=on_the_day.find_at_the_desk(event, search, actor=current_user),
        warning=on_the_day.not_today_warning(event, now=utcnow()),
    ), 400 if form.errors else 200


def _person_at(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _back_to_desk(event: Event):
    # Back to the same search, so the next Sam is one tap away.
    search = (request.form.get("q") or "").strip()[:80]
    return redirect(url_for("backoffice.check_in_desk", event_id=event.id, q=search or None))


@bp.post("/events/<int:event_id>/check-in/<int:registration_id>")
@open_to_door_staff
def check_in_person(event_id: int, registration_id: int):
    """Check in someone found by name."""
    event = _event_to_check_in(event_id)
    refuse_if_cancelled(event, _("This event is cancelled, so you cannot check people in."))
    person = _person_at(event, registration_id)
    run_service(
        lambda: on_the_day.check_in(person, actor=current_user, now=utcnow()),
        lambda checked: checked.message,
    )
    return _back_to_desk(event)


@bp.post("/events/<int:event_id>/check-in/<int:registration_id>/undo")
@open_to_door_staff
def undo_check_in(event_id: int, registration_id: int):
    """Take back a check-in made by mistake."""
    event = _event_to_check_in(event_id)
    person = _person_at(event, registration_id)
    run_service(
        lambda: on_the_day.undo_check_in(person, actor=current_user, now=utcnow()),
        _(
            "%(reference)s (%(name)s) is no longer checked in.",
            reference=person.reference,
            name=person.first_name,
        ),
    )
    return _back_to_desk(event)


@bp.post("/events/<int:event_id>/check-in/sent")
@open_to_door_staff
def check_in_sent(event_id: int):
    """Check in someone for the desk's script (tapped or scanned, perhaps sent late), in JSON.

    The form token comes in the X-CSRFToken header. Every answer the service gives is JSON,
    so the script knows it can stop sending; anything else means "try again later".
    """
    event = _event_to_check_in(event_id)
    sent = request.get_json(silent=True)
    sent = sent if isinstance(sent, dict) else {}
    refusals: list[str] = []
    checked = run_service(
        lambda: on_the_day.check_in_sent(
            event,
            registration_id=_whole_number(sent.get("registration_id")),
            reference=str(sent.get("reference") or "")[:400],
            actor=current_user,
            now=utcnow(),
            scanned_at=_moment(sent.get("scanned_at")),
        ),
        None,
        errors=refusals,
    )
    if not checked.ok:
        return jsonify(ok=False, message=refusals[0]), 422
    return jsonify(ok=True, already=checked.value.already, message=checked.value.message)


def _whole_number(value: object) -> int | None:
    # bool is an int in Python; neither it nor an id too big for the column names a person.
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_ID:
        return value
    return None


def _moment(value: object) -> datetime | None:
    """A time the browser sent ("2026-10-01T09:00:00.000Z"), or None if it is not one."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _scanned_ticket(event: Event, form: CheckInForm) -> Registration | None:
    # A scanned QR code is a GET with the reference filled in: show whose ticket it is
    # before anyone presses "Check in".
    parsed = on_the_day.parse_reference(form.reference.data or "")
    if parsed and request.method == "GET":
        return queries.ticket_by_reference(event, parsed)
    return None
