"""The moderators' side of questions: the queue and its moves, editing, settings, the presenter
view and the export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from nclw.accounts.permissions import staff_required
from nclw.errors import NeedsConfirmation
from nclw.events.models import Event, QuestionAskers
from nclw.exports import CSV_MIMETYPE
from nclw.extensions import db
from nclw.questions.forms import EditQuestionForm, QaSettingsForm
from nclw.questions.models import Question, QuestionStatus
from nclw.questions.personal_details import describe
from nclw.questions.services import asking, listing, moderation, retention
from nclw.timezones import utcnow
from nclw.web import attachment, confirm_or_400, database_ids, form_status, or_404, run_service

# What each posted move calls, and what the moderator is told once it is done.
MODERATION_MOVES = {
    "approve": (moderation.approve_question, _l("Question approved.")),
    "reject": (moderation.reject_question, _l("Question rejected. Nobody else will see it.")),
    "answer": (moderation.mark_answered, _l("Question marked as answered.")),
    "pin": (moderation.pin_question, _l("Question pinned as the one being answered now.")),
    "unpin": (moderation.unpin_question, _l("Question unpinned.")),
}


def _moderated_event_or_403(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    if not moderation.can_moderate_questions(current_user, event):
        abort(403)
    return event


def _question_or_404(event_id: int, question_id: int) -> Question:
    return or_404(listing.event_question(event_id, question_id))


def _moves_for(questions: list[Question], moves) -> dict[int, list[moderation.Move]]:
    return {question.id: moves(question) for question in questions}


def _confirm_publishing(event: Event, question: Question, warning: str, *, back_to: str = ""):
    return render_template(
        "questions/confirm_publish.html",
        event=event,
        question=question,
        warning=warning,
        back_to=back_to,
    )


@staff_required
def queue(event_id: int):
    """List an event's questions in one state, with the counts of every state."""
    event = _moderated_event_or_403(event_id)
    try:
        status = QuestionStatus(request.args.get("status", QuestionStatus.PENDING.value))
    except ValueError:
        abort(404)
    settings = None
    if moderation.can_change_qa_settings(current_user):
        settings = QaSettingsForm(
            formdata=None,
            enabled=event.qa_enabled,
            askers=event.qa_askers.value,
            public_list=event.qa_public_list,
            partner_moderates=event.partner_moderates,
        )
    questions = listing.moderation_queue(event, status)
    return render_template(
        "questions/queue.html",
        event=event,
        status=status,
        questions=questions,
        moves=_moves_for(questions, moderation.allowed_moves),
        selectable={q.id for q in questions if moderation.may_approve_in_bulk(q)},
        bulk_approval=moderation.offers_bulk_approval(status),
        counts=listing.status_counts(event),
        settings=settings,
        can_export=retention.export_is_open(event, now=utcnow()),
    )


@staff_required
def moderate(event_id: int, question_id: int, move: str):
    """Approve, reject, mark answered, pin or unpin one question."""
    event = _moderated_event_or_403(event_id)
    question = _question_or_404(event.id, question_id)
    if move not in MODERATION_MOVES:
        abort(404)
    confirm_or_400()
    service, message = MODERATION_MOVES[move]
    back_to = request.form.get("back_to", "")
    # Only approving can need a second yes: the confirmation page posts it.
    options = {"confirmed": request.form.get("confirmed") == "yes"} if move == "approve" else {}
    try:
        service(question, actor=current_user, now=utcnow(), **options)
    except NeedsConfirmation as warning:
        db.session.rollback()
        return _confirm_publishing(event, question, warning.message, back_to=back_to)
    db.session.commit()
    flash(str(message), "success")
    status = back_to if back_to in set(QuestionStatus) else None
    return redirect(url_for("questions.queue", event_id=event.id, status=status))


@staff_required
def bulk_approve(event_id: int):
    """Approve every selected question that has no personal detail flagged."""
    event = _moderated_event_or_403(event_id)
    confirm_or_400()
    ids = database_ids(request.form.getlist("question_id"))
    count = moderation.approve_questions(event, ids, actor=current_user, now=utcnow())
    db.session.commit()
    skipped = len(ids) - count
    message = ngettext("%(num)d question approved.", "%(num)d questions approved.", count)
    if skipped:
        # A second sentence, so each can be translated whole.
        message += " " + ngettext(
            "%(num)d not approved: it may include personal details or was already moderated.",
            "%(num)d not approved: they may include personal details or were already moderated.",
            skipped,
        )
    flash(message, "success" if not skipped else "info")
    return redirect(url_for("questions.queue", event_id=event.id))


@staff_required
def edit(event_id: int, question_id: int):
    """Change a question's words, usually to take out a personal detail."""
    event = _moderated_event_or_403(event_id)
    question = _question_or_404(event.id, question_id)
    form = EditQuestionForm(body=question.body)
    if form.validate_on_submit():
        saved = run_service(
            lambda: moderation.edit_question(
                question,
                form.body.data,
                and_approve="approve" in request.form,
                actor=current_user,
                now=utcnow(),
            ),
            _("Question saved."),
            errors=form.form_errors,
        )
        if saved.ok:
            return redirect(url_for("questions.queue", event_id=event.id))
        if isinstance(saved.error, NeedsConfirmation):
            return _confirm_publishing(event, question, saved.error.message)
    status = form_status(form)
    flags = describe(asking.flags_for_text(form.body.data or ""))
    can_approve = moderation.move_refusal(question, "approve") is None
    return render_template(
        "questions/edit.html",
        event=event,
        question=question,
        form=form,
        flags=flags,
        can_approve=can_approve,
    ), status


@staff_required
def settings(event_id: int):
    """Turn Q&A on or off and choose who asks, who moderates and whether the list is public."""
    event = _moderated_event_or_403(event_id)
    form = QaSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    moderation.update_qa_settings(
        event,
        enabled=form.enabled.data,
        askers=QuestionAskers(form.askers.data),
        public_list=form.public_list.data,
        partner_moderates=form.partner_moderates.data,
        actor=current_user,
        now=utcnow(),
    )
    db.session.commit()
    flash(_("Q&A settings saved."), "success")
    return redirect(url_for("questions.queue", event_id=event.id))


def _render_presenter(event_id: int, template: str) -> str:
    # The whole page and its live part must show the same questions to the same people.
    event = _moderated_event_or_403(event_id)
    pinned, upcoming = listing.presenter_questions(event)
    return render_template(template, event=event, pinned=pinned, upcoming=upcoming)


@staff_required
def presenter(event_id: int):
    """Show the room the pinned question and the next ones, full screen in large type.

    The page is what the projector shows, so it has no buttons: moderators pin and answer from
    the queue, and the page (or its script) picks the change up by itself.
    """
    return _render_presenter(event_id, "questions/presenter.html")


@staff_required
def presenter_live(event_id: int):
    """The presenter view's questions alone, for the page's script to swap in."""
    return _render_presenter(event_id, "questions/_presenter_questions.html")


@staff_required
def export(event_id: int):
    """Download the event's approved and answered questions, without who asked them."""
    event = _moderated_event_or_403(event_id)
    body = retention.export_questions_csv(event, actor=current_user, now=utcnow())
    db.session.commit()
    return attachment(body, f"questions-{event.slug}.csv", CSV_MIMETYPE)


def register(bp: Blueprint) -> None:
    """Add the moderators' question pages to the questions blueprint."""
    admin = "/admin/events/<int:event_id>/questions"
    bp.add_url_rule(admin, view_func=queue, methods=["GET"])
    bp.add_url_rule(f"{admin}/<int:question_id>/<move>", view_func=moderate, methods=["POST"])
    bp.add_url_rule(f"{admin}/approve", view_func=bulk_approve, methods=["POST"])
    bp.add_url_rule(f"{admin}/<int:question_id>/edit", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule(f"{admin}/settings", view_func=settings, methods=["POST"])
    bp.add_url_rule(f"{admin}/presenter", view_func=presenter, methods=["GET"])
    bp.add_url_rule(f"{admin}/presenter/live", view_func=presenter_live, methods=["GET"])
    bp.add_url_rule("/admin/events/<int:event_id>/questions.csv", view_func=export, methods=["GET"])
