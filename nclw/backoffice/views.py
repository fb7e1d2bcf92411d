"""The organisers' back office: run the week."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.accounts import services as accounts
from nclw.accounts.forms import ChangeRoleForm, InviteForm
from nclw.accounts.models import Role, User
from nclw.audit.models import AuditEntry
from nclw.backoffice import charts, exports, reports
from nclw.backoffice.forms import (
    CancelEventForm,
    CheckInForm,
    ConfirmForm,
    EventForm,
    ExportForm,
    MessageForm,
    OrganisationForm,
)
from nclw.errors import NclwError
from nclw.events import services as events
from nclw.events.models import Edition, Event, EventStatus, Organisation, OrganisationKind
from nclw.extensions import db, login_manager
from nclw.mail import delivery
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations import services as registrations
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import to_uk, utcnow
from nclw.web import query_int

bp = Blueprint("backoffice", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.before_request
def organisers_only():
    """Every back-office page: anonymous visitors sign in first, partners get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_organiser:
        abort(403)
    return None


# --- Helpers ------------------------------------------------------------------------------


def _event(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


def _registration(registration_id: int) -> Registration:
    return db.get_or_404(Registration, registration_id)


def _back_to_attendees(registration: Registration):
    target = request.form.get("next") or ""
    if target.startswith("/admin/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("backoffice.attendees", event_id=registration.event_id))


def _run(action, success, *, errors: list[str] | None = None):
    """Call a service; commit and flash success, or roll back and show the service's message.

    `success` is the message, or a function that makes it from the service's result. A form
    view passes its `errors` list: the refusal goes there, to be shown at the top of the form
    drawn again; otherwise it is flashed. Returns the service's result, or None if it refused.
    """
    try:
        result = action()
    except NclwError as error:
        db.session.rollback()
        if errors is None:
            flash(error.message, "error")
        else:
            errors.append(error.message)
        return None
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return result


def _page() -> int:
    return max(query_int("page", 1) or 1, 1)


def _choose_edition() -> Edition | None:
    year = query_int("year")
    if year:
        return events.edition_for_year(year)
    return events.current_edition(today=to_uk(utcnow()).date())


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def _fill_event_choices(form: EventForm) -> None:
    form.host_id.choices = [SelectChoice(o.id, o.name) for o in _organisations()]
    form.edition_id.choices = [
        SelectChoice(e.id, f"{e.year}: {e.theme}") for e in reports.editions()
    ]


# --- Dashboard ----------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    """Show every event's places, the sign-ups chart and the work waiting."""
    edition = _choose_edition()
    figures = reports.event_figures(edition, reports.questions_waiting()) if edition else []
    today = to_uk(utcnow()).date()
    chart = (
        charts.daily_bars(
            reports.signups_per_day(edition, today=today), title="Sign-ups per day, last 14 days"
        )
        if edition
        else None
    )
    return render_template(
        "backoffice/dashboard.html",
        edition=edition,
        editions=reports.editions(),
        figures=figures,
        chart=chart,
        capacity_bar=charts.capacity_bar,
        questions_total=sum(f.questions_waiting for f in figures),
        proposals_waiting=reports.proposals_waiting(),
        mail=reports.mail_health(),
    )


# --- Events -------------------------------------------------------------------------------


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create a draft event."""
    form = EventForm()
    _fill_event_choices(form)
    if form.validate_on_submit():
        event = _run(
            lambda: events.create_event(form.changes(), actor=current_user, now=utcnow()),
            "Event saved as a draft. Publish it when it is ready.",
            errors=form.form_errors,
        )
        if event is not None:
            return redirect(url_for("backoffice.event", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/event_form.html", form=form, event=None), status


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """Show one event with everything an organiser can do to it."""
    event = _event(event_id)
    waiting = registrations.count_recipients(event, registrations.MessageAudience.WAITING)
    checked_in = registrations.count_recipients(event, registrations.MessageAudience.CHECKED_IN)
    return render_template(
        "backoffice/event.html", event=event, waiting=waiting, checked_in=checked_in
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit an event; a new time or place asks first, then tells everyone signed up."""
    event = _event(event_id)
    form = EventForm(data=None if request.method == "POST" else EventForm.data_for(event))
    _fill_event_choices(form)
    if form.validate_on_submit():
        changes = form.changes(current=event)
        to_notify = events.attendees_to_notify(event, changes)
        if to_notify and form.confirmed.data != "yes":
            return render_template(
                "backoffice/event_confirm_change.html", form=form, event=event, count=to_notify
            )
        notified = _run(
            lambda: events.update_event(event, changes, actor=current_user, now=utcnow()),
            lambda notified: (
                f"Event saved. We are emailing {notified} people an updated invite."
                if notified
                else "Event saved."
            ),
            errors=form.form_errors,
        )
        if notified is not None:
            return redirect(url_for("backoffice.event", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/event_form.html", form=form, event=event), status


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int):
    """Put the event on the week page."""
    event = _event(event_id)
    _run(
        lambda: events.publish_event(event, actor=current_user, now=utcnow()),
        "Published. People can now sign up.",
    )
    return redirect(url_for("backoffice.event", event_id=event_id))


@bp.post("/events/<int:event_id>/unpublish")
def unpublish_event(event_id: int):
    """Take the event off the week page (only while nobody is signed up)."""
    event = _event(event_id)
    _run(
        lambda: events.unpublish_event(event, actor=current_user, now=utcnow()),
        "Unpublished. The event is a draft again.",
    )
    return redirect(url_for("backoffice.event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel_event(event_id: int):
    """Ask for a reason, then cancel the event and tell everyone signed up."""
    event = _event(event_id)
    form = CancelEventForm()
    count = registrations.count_recipients(event, registrations.MessageAudience.ALL)
    if form.validate_on_submit():
        told = _run(
            lambda: events.cancel_event(event, form.reason.data, actor=current_user, now=utcnow()),
            lambda told: f"Event cancelled. We are emailing {told} people.",
            errors=form.form_errors,
        )
        if told is not None:
            return redirect(url_for("backoffice.event", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "backoffice/event_cancel.html", form=form, event=event, count=count
    ), status


@bp.post("/events/<int:event_id>/duplicate")
def duplicate_event(event_id: int):
    """Copy the event into a new draft."""
    event = _event(event_id)
    copy = events.duplicate_event(event, actor=current_user, now=utcnow())
    db.session.commit()
    flash("This is a copy, saved as a draft. Change what you need, then publish it.", "success")
    return redirect(url_for("backoffice.edit_event", event_id=copy.id))


# --- Attendees ----------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    """List the people signed up, with search and a status filter."""
    event = _event(event_id)
    search = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status", "")
    query = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.anonymised_at.is_(None)
    )
    if status in RegistrationStatus._value2member_map_:
        query = query.where(Registration.status == status)
    elif status == "checked_in":
        query = query.where(Registration.checked_in_at.is_not(None))
    elif status == "no_show":
        query = query.where(Registration.no_show.is_(True))
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.first_name).like(like),
                Registration.email_normalised.like(like),
                sa.func.lower(Registration.reference).like(like),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page = _page()
    people = db.session.scalars(
        query.order_by(Registration.status, Registration.waiting_since, Registration.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "backoffice/attendees.html",
        event=event,
        people=people,
        search=search,
        status=status,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        position=registrations.waiting_list_position,
    )


@bp.post("/registrations/<int:registration_id>/promote")
def promote(registration_id: int):
    """Give one person on the waiting list a place."""
    registration = _registration(registration_id)
    _run(
        lambda: registrations.promote_registration(registration, actor=current_user, now=utcnow()),
        f"{registration.reference} has a place now. We are emailing them.",
    )
    return _back_to_attendees(registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(registration_id: int):
    """Cancel someone's ticket on their behalf, after asking once more."""
    registration = _registration(registration_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        _run(
            lambda: registrations.cancel_registration(
                registration, actor=current_user, now=utcnow()
            ),
            f"{registration.reference} is cancelled. We are emailing them.",
        )
        return _back_to_attendees(registration)
    return render_template(
        "backoffice/registration_cancel.html", registration=registration, form=form
    )


@bp.post("/registrations/<int:registration_id>/resend")
def resend_ticket(registration_id: int):
    """Email the ticket again."""
    registration = _registration(registration_id)
    if registration.is_cancelled or registration.anonymised_at:
        flash("This ticket is cancelled, so there is nothing to resend.", "error")
        return _back_to_attendees(registration)
    registrations.resend_ticket(registration)
    db.session.commit()
    flash(f"We are emailing {registration.reference} their ticket again.", "success")
    return _back_to_attendees(registration)


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in(registration_id: int):
    """Mark one person as arrived."""
    registration = _registration(registration_id)
    _run(
        lambda: registrations.check_in(registration, actor=current_user, now=utcnow()),
        f"{registration.reference} ({registration.first_name}) is checked in.",
    )
    return _back_to_attendees(registration)


@bp.post("/registrations/<int:registration_id>/no-show")
def no_show(registration_id: int):
    """Mark a ticket holder as a no-show, or undo it."""
    registration = _registration(registration_id)
    undo = request.form.get("undo") == "1"
    _run(
        lambda: registrations.mark_no_show(
            registration, actor=current_user, now=utcnow(), no_show=not undo
        ),
        f"{registration.reference} is "
        + ("no longer marked as a no-show." if undo else "marked as a no-show."),
    )
    return _back_to_attendees(registration)


@bp.route("/events/<int:event_id>/check-in", methods=["GET", "POST"])
def check_in_desk(event_id: int):
    """Check people in by ticket reference; a scanned QR code opens this page filled in."""
    event = _event(event_id)
    form = CheckInForm(reference=request.args.get("reference", ""))
    if form.validate_on_submit():
        # A refusal ("already checked in", "no such ticket") is shown beside the field.
        checked = _run(
            lambda: registrations.check_in_by_reference(
                event, form.reference.data, actor=current_user, now=utcnow()
            ),
            lambda registration: (
                f"{registration.reference} ({registration.first_name}) is checked in."
            ),
            errors=form.reference.errors,
        )
        if checked is not None:
            return redirect(url_for("backoffice.check_in_desk", event_id=event.id))
    scanned = None
    parsed = registrations.parse_reference(form.reference.data or "")
    if parsed and request.method == "GET":
        scanned = db.session.scalar(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.reference == parsed
            )
        )
    recent = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.checked_in_at.is_not(None))
        .order_by(Registration.checked_in_at.desc())
        .limit(10)
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "backoffice/check_in.html",
        event=event,
        form=form,
        scanned=scanned,
        recent=recent,
        checked_in=registrations.count_recipients(event, registrations.MessageAudience.CHECKED_IN),
    ), status


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
def message_attendees(event_id: int):
    """Write to the people signed up: preview first, then send through the outbox."""
    event = _event(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        audience = registrations.MessageAudience(form.audience.data)
        action = request.form.get("action")
        if action == "edit":
            return render_template("backoffice/message.html", event=event, form=form)
        if form.confirmed.data == "yes" and action == "send":
            sent = _run(
                lambda: registrations.message_attendees(
                    event,
                    audience,
                    form.subject.data,
                    form.body.data,
                    actor=current_user,
                    now=utcnow(),
                ),
                lambda sent: f"Your message is on its way to {sent} people.",
                errors=form.form_errors,
            )
            if sent is not None:
                return redirect(url_for("backoffice.event", event_id=event.id))
        else:
            return _message_preview(event, form, audience)
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/message.html", event=event, form=form), status


def _message_preview(event: Event, form: MessageForm, audience):
    from nclw.mail import messages

    count = registrations.count_recipients(event, audience)
    sample = db.session.scalar(registrations.message_recipients(event, audience).limit(1))
    preview = (
        messages.attendee_message(sample, form.subject.data, form.body.data).text_body
        if sample
        else None
    )
    form.confirmed.data = "yes"
    return render_template(
        "backoffice/message_preview.html",
        event=event,
        form=form,
        count=count,
        audience=audience,
        preview=preview,
        sample=sample,
    )


# --- Exports ------------------------------------------------------------------------------


@bp.route("/exports", methods=["GET", "POST"])
def export():
    """Download attendee lists as CSV or XLSX, with the columns you pick."""
    form = ExportForm()
    event_choices = [
        SelectChoice(str(event.id), f"{event.title} ({to_uk(event.starts_at):%d %b %Y})")
        for event in db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc()))
    ]
    form.scope.choices = [
        SelectChoice(f"week-{e.id}", f"The whole week {e.year}") for e in reports.editions()
    ] + event_choices
    if request.method == "GET" and request.args.get("event_id"):
        form.scope.data = request.args["event_id"]
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("backoffice/export.html", form=form), status
    return _export_response(form)


def _export_response(form: ExportForm) -> Response:
    scope = form.scope.data
    if scope.startswith("week-"):
        edition = db.get_or_404(Edition, int(scope.removeprefix("week-")))
        query, target, label = (
            exports.registrations_query(edition_id=edition.id),
            edition,
            f"week-{edition.year}",
        )
    else:
        event = _event(int(scope))
        query, target, label = exports.registrations_query(event=event), event, event.slug
    columns = list(form.columns.data)
    reason = ""
    if form.include_access_needs.data:
        columns.append("access_needs")
        reason = form.access_needs_reason.data.strip()
    file_format = form.file_format.data
    from nclw.audit.services import record_action

    record_action(
        "export.downloaded",
        actor=current_user,
        target=target,
        summary=f"{file_format.upper()} of {label}; columns: {', '.join(columns)}"
        + (f"; access needs because: {reason}" if reason else ""),
    )
    db.session.commit()
    rows = exports.export_rows(query, columns)
    stamp = f"{to_uk(utcnow()):%Y-%m-%d}"
    if file_format == "xlsx":
        body, mimetype, extension = exports.xlsx_stream(rows), exports.XLSX_MIMETYPE, "xlsx"
    else:
        body, mimetype, extension = exports.csv_stream(rows), exports.CSV_MIMETYPE, "csv"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="attendees-{label}-{stamp}.{extension}"'
        },
    )


# --- Mail log and audit log ----------------------------------------------------------------


@bp.get("/mail")
def mail_log():
    """Every outgoing email with its status; failed ones can be sent again."""
    status = request.args.get("status", "")
    query = sa.select(OutboxMessage)
    if status in MessageStatus._value2member_map_:
        query = query.where(OutboxMessage.status == status)
    page = _page()
    messages = db.session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "backoffice/mail_log.html",
        messages=messages[:PAGE_SIZE],
        has_more=len(messages) > PAGE_SIZE,
        page=page,
        status=status,
        statuses=list(MessageStatus),
        health=reports.mail_health(),
    )


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    """Send a failed email again."""
    message = db.get_or_404(OutboxMessage, message_id)
    _run(
        lambda: delivery.retry_message(message, actor=current_user, now=utcnow()),
        "The email is queued to be sent again.",
    )
    return redirect(url_for("backoffice.mail_log", status=request.args.get("status", "")))


@bp.get("/audit")
def audit_log():
    """Who did what, and when."""
    action = (request.args.get("action") or "").strip()[:60]
    query = sa.select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action.like(f"{action}%"))
    page = _page()
    entries = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "backoffice/audit.html",
        entries=entries[:PAGE_SIZE],
        has_more=len(entries) > PAGE_SIZE,
        page=page,
        action=action,
    )


# --- People -------------------------------------------------------------------------------


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(0, "Choose an organisation")] + [
        SelectChoice(o.id, o.name) for o in _organisations()
    ]


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.organisation_id.choices = _organisation_choices()
    return form


@bp.route("/people", methods=["GET", "POST"])
def people():
    """Organisers and partner users: invite, deactivate, see pending invitations."""
    form = _invite_form()
    if form.validate_on_submit():
        role = Role(form.role.data)
        organisation = (
            db.session.get(Organisation, form.organisation_id.data)
            if form.organisation_id.data
            else None
        )
        invited = _run(
            lambda: accounts.invite_user(
                form.email.data,
                role=role,
                organisation=organisation,
                actor=current_user,
                now=utcnow(),
            ),
            f"Invitation sent to {form.email.data}. The link works for 7 days.",
            errors=form.form_errors,
        )
        if invited is not None:
            return redirect(url_for("backoffice.people"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "backoffice/people.html",
        form=form,
        organisation_form=OrganisationForm(),
        users=accounts.list_users(),
        invitations=accounts.pending_invitations(now=utcnow()),
    ), status


@bp.post("/people/<int:user_id>/active")
def set_active(user_id: int):
    """Stop a user signing in, or let them again."""
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    _run(
        lambda: accounts.set_user_active(user, active, actor=current_user, now=utcnow()),
        f"{user.email} can sign in again." if active else f"{user.email} can no longer sign in.",
    )
    return redirect(url_for("backoffice.people"))


def _role_form(user: User) -> ChangeRoleForm:
    current = {"role": user.role.value, "organisation_id": user.organisation_id or 0}
    form = ChangeRoleForm(data=None if request.method == "POST" else current)
    form.organisation_id.choices = _organisation_choices()
    return form


def _role_wording(role: Role, organisation: Organisation | None) -> str:
    if role == Role.PARTNER and organisation is not None:
        return f"a partner user for {organisation.name}"
    return "an organiser"


@bp.route("/people/<int:user_id>/role", methods=["GET", "POST"])
def change_role(user_id: int):
    """Make someone an organiser or a partner user, after showing what that changes."""
    person = db.get_or_404(User, user_id)
    form = _role_form(person)
    if form.validate_on_submit():
        role = Role(form.role.data)
        organisation = (
            db.session.get(Organisation, form.organisation_id.data)
            if role == Role.PARTNER
            else None
        )
        wording = _role_wording(role, organisation)
        if not accounts.role_would_change(person, role, organisation):
            flash(f"Nothing changed: {person.email} is already {wording}.", "info")
            return redirect(url_for("backoffice.people"))
        if form.confirmed.data != "yes":
            return render_template(
                "backoffice/role_confirm.html", form=form, person=person, wording=wording
            )
        changed = _run(
            lambda: accounts.change_role(
                person, role, organisation=organisation, actor=current_user, now=utcnow()
            ),
            f"{person.email} is now {wording}. They are signed out, and their new role "
            "applies when they sign in again.",
            errors=form.form_errors,
        )
        if changed is not None:
            return redirect(url_for("backoffice.people"))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/role.html", form=form, person=person), status


@bp.post("/organisations")
def add_organisation():
    """Add a host organisation, so its events and partner users can be set up."""
    form = OrganisationForm()
    if not form.validate_on_submit():
        flash("Enter the organisation's name and kind.", "error")
        return redirect(url_for("backoffice.people"))
    _run(
        lambda: events.create_organisation(
            form.name.data, OrganisationKind(form.kind.data), actor=current_user, now=utcnow()
        ),
        f"{form.name.data} added.",
    )
    return redirect(url_for("backoffice.people"))


@bp.get("/events")
def event_list():
    """Every event of the week, drafts included."""
    edition = _choose_edition()
    all_events = (
        db.session.scalars(
            sa.select(Event).where(Event.edition_id == edition.id).order_by(Event.starts_at)
        ).all()
        if edition
        else []
    )
    return render_template(
        "backoffice/events.html", edition=edition, events=all_events, statuses=EventStatus
    )
