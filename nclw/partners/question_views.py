"""A host's sign-up questions for its own session: see them and propose one for review."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.accounts.permissions import partner_required
from nclw.partners import question_proposals as proposals
from nclw.partners.queries import get_own_event
from nclw.registrations.question_forms import SignUpQuestionForm
from nclw.registrations.question_setup import questions_of
from nclw.timezones import utcnow
from nclw.web import form_page, or_404, run_form

bp = Blueprint("partner_questions", __name__, url_prefix="/partner")


@bp.route("/sessions/<int:event_id>/sign-up-questions", methods=["GET", "POST"])
@partner_required
def session_questions(event_id: int):
    """Show the questions the session asks, and propose one for the organisers to review."""
    event = or_404(get_own_event(event_id, actor=current_user))
    form = SignUpQuestionForm()
    done = run_form(
        form,
        lambda: proposals.propose_question(event, form.details(), actor=current_user, now=utcnow()),
        _("Your question is sent to the organisers. It is not asked until they approve it."),
    )
    if done.ok:
        return redirect(url_for("partner_questions.session_questions", event_id=event.id))
    return form_page(
        "partners/session_questions.html",
        form,
        event=event,
        questions=questions_of(event, include_hidden=False),
        waiting=proposals.awaiting_review(event),
    )
