"""The questions an event asks at sign-up: add, change, order, hide and remove them."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.extensions import db
from nclw.forms import ConfirmForm
from nclw.partners import question_proposals as proposals
from nclw.registrations import question_setup as setup
from nclw.registrations.question_forms import SignUpQuestionForm
from nclw.registrations.sign_up_questions import SignUpQuestion
from nclw.timezones import utcnow
from nclw.web import form_page, run_form, run_service


def _back(question: SignUpQuestion):
    return redirect(url_for("backoffice.sign_up_questions", event_id=question.event_id))


@bp.route("/events/<int:event_id>/sign-up-questions", methods=["GET", "POST"])
def sign_up_questions(event_id: int):
    """List the event's sign-up questions and add one."""
    event = load_event(event_id)
    form = SignUpQuestionForm()
    done = run_form(
        form,
        lambda: setup.add_question(event, form.details(), actor=current_user, now=utcnow()),
        lambda added: _("Question added: %(question)s", question=added.label),
    )
    if done.ok:
        return redirect(url_for("backoffice.sign_up_questions", event_id=event.id))
    return form_page(
        "backoffice/sign_up_questions.html",
        form,
        event=event,
        rows=setup.question_rows(event),
        proposed=[(q, setup.topics_of(q)) for q in proposals.awaiting_review(event)],
    )


@bp.route("/sign-up-questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_sign_up_question(question_id: int):
    """Change one sign-up question."""
    question = db.get_or_404(SignUpQuestion, question_id)
    form = SignUpQuestionForm(obj=question)
    done = run_form(
        form,
        lambda: setup.change_question(question, form.details(), actor=current_user, now=utcnow()),
        _("Question saved."),
    )
    if done.ok:
        return _back(question)
    return form_page("backoffice/sign_up_question_form.html", form, question=question)


_ACTIONS = {
    "up": (lambda q, **kw: setup.move_question(q, up=True, **kw), _l("Question moved up.")),
    "down": (lambda q, **kw: setup.move_question(q, up=False, **kw), _l("Question moved down.")),
    "hide": (lambda q, **kw: setup.set_hidden(q, True, **kw), _l("Question hidden.")),
    "show": (lambda q, **kw: setup.set_hidden(q, False, **kw), _l("Question asked again.")),
    "remove": (setup.remove_question, _l("Question removed.")),
}


@bp.post("/sign-up-questions/<int:question_id>/<action>")
def change_sign_up_question(question_id: int, action: str):
    """Move a question up or down, hide it, ask it again, or remove it."""
    if action not in _ACTIONS:
        abort(404)
    question = db.get_or_404(SignUpQuestion, question_id)
    event_id = question.event_id
    if ConfirmForm().validate_on_submit():
        service, message = _ACTIONS[action]
        run_service(lambda: service(question, actor=current_user, now=utcnow()), str(message))
    return redirect(url_for("backoffice.sign_up_questions", event_id=event_id))


@bp.post("/sign-up-questions/<int:question_id>/approve")
def approve_sign_up_question(question_id: int):
    """Start asking a question the host proposed (its warning read, if it has one)."""
    question = db.get_or_404(SignUpQuestion, question_id)
    if ConfirmForm().validate_on_submit():
        run_service(
            lambda: proposals.approve_question(
                question,
                warning_read=request.form.get("warning_read") == "y",
                actor=current_user,
                now=utcnow(),
            ),
            _("Question approved. It is asked from now on."),
        )
    return _back(question)


@bp.post("/sign-up-questions/<int:question_id>/decline")
def decline_sign_up_question(question_id: int):
    """Say no to a question the host proposed."""
    question = db.get_or_404(SignUpQuestion, question_id)
    event_id = question.event_id
    if ConfirmForm().validate_on_submit():
        run_service(
            lambda: proposals.decline_question(question, actor=current_user, now=utcnow()),
            _("Question declined. It will not be asked."),
        )
    return redirect(url_for("backoffice.sign_up_questions", event_id=event_id))
