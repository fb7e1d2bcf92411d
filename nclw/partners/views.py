"""The partner area: proposals and the sessions a partner runs."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from nclw.accounts.permissions import partner_required
from nclw.events import services as events
from nclw.events.forms import with_age_rule
from nclw.exports import CSV_MIMETYPE
from nclw.forms import ConfirmForm
from nclw.partners import queries, services, session_changes
from nclw.partners.forms import ProposalForm, SessionEditForm
from nclw.registrations.queries import access_summary
from nclw.reports import lines
from nclw.reports import services as reports
from nclw.reports.pages import event_report_download, event_report_page, report_download
from nclw.timezones import utcnow
from nclw.web import (
    attachment,
    confirm_or_400,
    form_page,
    or_404,
    run_form,
    run_service,
)

bp = Blueprint("partners", __name__, url_prefix="/partner")


def _own_proposal(proposal_id: int):
    return or_404(queries.get_own_proposal(proposal_id, actor=current_user))


def _own_event(event_id: int):
    return or_404(queries.get_own_event(event_id, actor=current_user))


@bp.get("/")
@partner_required
def home():
    """List the partner's sessions and proposals."""
    organisation_id = current_user.organisation_id
    return render_template(
        "partners/home.html",
        sessions=queries.sessions_for_organisation(organisation_id),
        proposals=queries.proposals_for_organisation(organisation_id),
        report_weeks=reports.weeks_hosted(organisation_id),
    )


@bp.route("/proposals/new", methods=["GET", "POST"])
@partner_required
def new_proposal():
    """Start a proposal; it is saved as a draft until the partner sends it."""
    form = ProposalForm()
    done = run_form(
        form,
        lambda: services.create_proposal(form.proposal_values(), actor=current_user, now=utcnow()),
        _("Your proposal is saved as a draft. Check it, then send it for review."),
    )
    if done.ok:
        return redirect(url_for("partners.proposal", proposal_id=done.value.id))
    return form_page("partners/proposal_form.html", form, proposal=None)


@bp.get("/proposals/<int:proposal_id>")
@partner_required
def proposal(proposal_id: int):
    """Show a proposal, its state and the reviewers' comments."""
    return render_template(
        "partners/proposal.html", proposal=_own_proposal(proposal_id), form=ConfirmForm()
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@partner_required
def edit_proposal(proposal_id: int):
    """Change a draft or a proposal sent back for changes."""
    proposal = _own_proposal(proposal_id)
    if not proposal.is_editable:
        flash(_("This proposal cannot be changed now."), "info")
        return redirect(url_for("partners.proposal", proposal_id=proposal.id))
    form = ProposalForm() if request.method == "POST" else ProposalForm.for_proposal(proposal)
    with_age_rule(form.age_rule, proposal.min_age, proposal.max_age)
    done = run_form(
        form,
        lambda: services.update_proposal(
            proposal, form.proposal_values(), actor=current_user, now=utcnow()
        ),
        _("Your changes are saved. Send the proposal when it is ready."),
    )
    if done.ok:
        return redirect(url_for("partners.proposal", proposal_id=proposal.id))
    return form_page("partners/proposal_form.html", form, proposal=proposal)


@bp.post("/proposals/<int:proposal_id>/submit")
@partner_required
def submit_proposal(proposal_id: int):
    """Send the proposal to the organisers for review."""
    proposal = _own_proposal(proposal_id)
    confirm_or_400()
    run_service(
        lambda: services.submit_proposal(proposal, actor=current_user, now=utcnow()),
        _("Sent for review. We will email you when the organisers have looked at it."),
    )
    return redirect(url_for("partners.proposal", proposal_id=proposal.id))


@bp.get("/sessions/<int:event_id>")
@partner_required
def session(event_id: int):
    """Show one of the partner's sessions: numbers and the attendees who shared details."""
    event = _own_event(event_id)
    return render_template(
        "partners/session.html",
        event=event,
        summary=next(
            s for s in queries.sessions_for_organisation(event.host_id) if s.event.id == event.id
        ),
        attendees=services.shared_attendees(event, actor=current_user),
        moderation_url=_moderation_url(event),
        waiting=session_changes.pending_change(event),
        access=access_summary(event),
        session_changes=session_changes,
    )


def _moderation_url(event) -> str | None:
    # The questions area owns moderation; link to it only where organisers allow it.
    if not event.partner_moderates or "questions.queue" not in current_app.view_functions:
        return None
    return url_for("questions.queue", event_id=event.id)


@bp.route("/sessions/<int:event_id>/edit", methods=["GET", "POST"])
@partner_required
def edit_session(event_id: int):
    """Ask for a change to a session; it waits for the organisers, the site stays as it is."""
    event = _own_event(event_id)
    waiting = session_changes.pending_change(event)
    if request.method == "POST":
        form = SessionEditForm()
    else:
        # A change already waiting is where the partner left off.
        form = SessionEditForm.for_event(
            event, session_changes.requested(waiting) if waiting else None
        )
    done = run_form(
        form,
        lambda: session_changes.ask_for_change(
            event, form.session_values(), actor=current_user, now=utcnow()
        ),
        _sent,
    )
    if done.ok:
        return redirect(url_for("partners.session", event_id=event.id))
    return form_page("partners/session_form.html", form, event=event, waiting=waiting)


def _sent(change) -> str:
    if change is None:
        return _("Nothing was different from the site, so there is nothing to review.")
    return _(
        "Your change is sent to the organisers. The session stays as it is on the site "
        "until they approve it; we will email you."
    )


@bp.post("/sessions/<int:event_id>/change/withdraw")
@partner_required
def withdraw_change(event_id: int):
    """Take back a change that is still waiting for review."""
    event = _own_event(event_id)
    waiting = session_changes.pending_change(event)
    if waiting is not None:
        run_service(
            lambda: session_changes.withdraw_change(waiting, actor=current_user, now=utcnow()),
            _("Your change is withdrawn. The session stays as it is."),
        )
    return redirect(url_for("partners.session", event_id=event.id))


# A POST, like the organisers' downloads: it writes to the audit log, and a GET never writes.
@bp.post("/sessions/<int:event_id>/attendees.csv")
@partner_required
def export_attendees(event_id: int):
    """Download the attendees who agreed to share their details with this host."""
    event = _own_event(event_id)
    # Committed (the audit entry with it) before the file goes out.
    done = run_service(
        lambda: services.download_shared_attendees(event, actor=current_user, now=utcnow()), None
    )
    if not done.ok:
        return redirect(url_for("partners.session", event_id=event.id))
    return attachment(done.value, f"{event.slug}-attendees.csv", CSV_MIMETYPE, no_store=True)


def _own_week(year: int):
    # Only a week the organisation hosted in: another week's report would be empty anyway.
    edition = events.edition_for_year(year)
    if edition is None or edition not in reports.weeks_hosted(current_user.organisation_id):
        abort(404)
    return edition


@bp.get("/sessions/<int:event_id>/report")
@partner_required
def session_report(event_id: int):
    """Show the report on one of the partner's sessions: numbers only."""
    event = _own_event(event_id)
    return event_report_page(
        "partners/session_report.html",
        event,
        csv_url=url_for("partners.session_report_csv", event_id=event.id),
    )


@bp.get("/sessions/<int:event_id>/report.csv")
@partner_required
def session_report_csv(event_id: int):
    """Download one session's figures as CSV."""
    return event_report_download(_own_event(event_id))


@bp.get("/reports/<int:year>")
@partner_required
def report(year: int):
    """Show the report on the partner's sessions in one week."""
    edition = _own_week(year)
    return render_template(
        "partners/report.html",
        edition=edition,
        report=reports.organisation_report(current_user.organisation, edition, now=utcnow()),
        csv_url=url_for("partners.report_csv_download", year=year),
        event_endpoint="partners.session_report",
        **lines.PAGE_NOTES,
    )


@bp.get("/reports/<int:year>.csv")
@partner_required
def report_csv_download(year: int):
    """Download the figures of the partner's sessions in one week as CSV."""
    edition = _own_week(year)
    report = reports.organisation_report(current_user.organisation, edition, now=utcnow())
    return report_download(report, f"report-{year}.csv", with_total=True)
