"""Organisers review partners' proposals in the back office."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nclw.accounts.permissions import organiser_required
from nclw.forms import ConfirmForm
from nclw.partners import queries, services, session_changes
from nclw.partners.compare import compare_versions
from nclw.partners.forms import ApproveForm, DeclineForm, ReviewCommentsForm
from nclw.timezones import utcnow
from nclw.web import confirm_or_400, or_404, query_int, run_form, run_service

bp = Blueprint("proposal_review", __name__, url_prefix="/admin/proposals")


def _proposal(proposal_id: int):
    return or_404(queries.get_proposal_for_review(proposal_id))


@bp.get("/")
@organiser_required
def index():
    """List proposals, those waiting for review first."""
    return render_template(
        "partners/review/index.html",
        proposals=queries.proposals_for_review(),
        changes=queries.session_changes_for_review(),
    )


@bp.get("/<int:proposal_id>")
@organiser_required
def show(proposal_id: int):
    """Show a proposal beside an earlier version."""
    proposal = _proposal(proposal_id)
    return _render_show(proposal, ReviewCommentsForm(), DeclineForm())


def _render_show(proposal, comments_form, decline_form, status: int = 200, approve_form=None):
    against = query_int("compare")
    return (
        render_template(
            "partners/review/show.html",
            proposal=proposal,
            comparison=compare_versions(proposal, against=against),
            in_a_week=services.week_containing(proposal.starts_at) is not None,
            refusal=services.safeguarding_refusal(proposal),
            concerns=services.safeguarding_concerns(proposal),
            approve_form=approve_form or ApproveForm(),
            comments_form=comments_form,
            decline_form=decline_form,
        ),
        status,
    )


def _act(proposal, action, success: str):
    run_service(action, success)
    return redirect(url_for("proposal_review.show", proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/approve")
@organiser_required
def approve(proposal_id: int):
    """Publish the proposal as an event hosted by the partner."""
    proposal = _proposal(proposal_id)
    form = ApproveForm()
    approved = run_form(
        form,
        lambda: services.approve_proposal(
            proposal,
            actor=current_user,
            now=utcnow(),
            safeguarding_note=form.safeguarding_note.data or "",
        ),
        _("Approved and published. We have emailed the partner."),
    )
    if approved.ok:
        return redirect(url_for("proposal_review.show", proposal_id=proposal.id))
    return _render_show(proposal, ReviewCommentsForm(), DeclineForm(), 400, approve_form=form)


@bp.post("/<int:proposal_id>/request-changes")
@organiser_required
def request_changes(proposal_id: int):
    """Send the proposal back to the partner with comments."""
    proposal = _proposal(proposal_id)
    form = ReviewCommentsForm()
    if not form.validate_on_submit():
        return _render_show(proposal, form, DeclineForm(), status=400)
    return _act(
        proposal,
        lambda: services.request_changes(
            proposal, comments=form.comments.data, actor=current_user, now=utcnow()
        ),
        _("Sent back to the partner with your comments."),
    )


@bp.post("/<int:proposal_id>/decline")
@organiser_required
def decline(proposal_id: int):
    """Decline the proposal with a reason."""
    proposal = _proposal(proposal_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render_show(proposal, ReviewCommentsForm(), form, status=400)
    return _act(
        proposal,
        lambda: services.decline_proposal(
            proposal, reason=form.reason.data, actor=current_user, now=utcnow()
        ),
        _("Declined. We have emailed the partner your reason."),
    )


# --- Partners' changes to their live sessions ------------------------------------------------


def _change(change_id: int):
    return or_404(queries.get_session_change(change_id))


@bp.get("/changes/<int:change_id>")
@organiser_required
def show_change(change_id: int):
    """A partner's change beside what the site says now."""
    return _render_change(_change(change_id), DeclineForm())


def _render_change(change, decline_form, status: int = 200):
    page = render_template(
        "partners/review/change.html",
        change=change,
        session_changes=session_changes,
        outside_the_week=session_changes.outside_the_week(change),
        approve_form=ConfirmForm(),
        decline_form=decline_form,
    )
    return page, status


@bp.post("/changes/<int:change_id>/approve")
@organiser_required
def approve_change(change_id: int):
    """Put the change on the site; attendees are told of a new time or place."""
    change = _change(change_id)
    confirm_or_400()
    run_service(
        lambda: session_changes.approve_change(change, actor=current_user, now=utcnow()),
        _approved,
    )
    return redirect(url_for("proposal_review.show_change", change_id=change.id))


def _approved(told: int) -> str:
    if not told:
        return _("Approved: the session on the site now shows the change.")
    return ngettext(
        "Approved: the session on the site now shows the change. "
        "We are emailing %(num)d person signed up.",
        "Approved: the session on the site now shows the change. "
        "We are emailing %(num)d people signed up.",
        told,
    )


@bp.post("/changes/<int:change_id>/decline")
@organiser_required
def decline_change(change_id: int):
    """Leave the session as it is, with a reason the partner reads."""
    change = _change(change_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render_change(change, form, status=400)
    run_service(
        lambda: session_changes.decline_change(
            change, reason=form.reason.data, actor=current_user, now=utcnow()
        ),
        _("Declined. The session stays as it is, and we have emailed the partner your reason."),
    )
    return redirect(url_for("proposal_review.show_change", change_id=change.id))
