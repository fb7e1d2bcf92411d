"""The survey page (a link from one email, no account), saying no to it, and the organisers'
Feedback page for an event: its results and its questions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.accounts.permissions import organiser_required
from nclw.events.models import Event
from nclw.extensions import db, limiter
from nclw.feedback import answering, results, survey
from nclw.feedback.forms import SurveyQuestionsForm, given_answers, survey_form_for
from nclw.forms import ConfirmForm
from nclw.registrations.ticket_links import ticket_for_link
from nclw.timezones import to_uk, utcnow
from nclw.web import confirm_or_400, form_page, or_404, run_form, run_service

bp = Blueprint("feedback", __name__)
bp.add_app_template_global(answering.ticket_survey_choice, "survey_choice_for_ticket")
bp.add_app_template_global(survey.question_text, "question_text")


def _invitation_or_404(token: str):
    return or_404(answering.invitation_for_link(token))


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def answer(token: str):
    """Ask the event's questions; keep the answers apart from the person; close the link."""
    invitation = _invitation_or_404(token)
    event = invitation.registration.event
    refusal = answering.survey_refusal(invitation)
    if refusal:
        status = 409 if request.method == "POST" else 200
        return render_template("feedback/closed.html", event=event, message=refusal), status
    questions = survey.saved_questions(event)
    form = survey_form_for(questions)
    done = run_form(
        form,
        lambda: answering.submit_answers(
            invitation,
            questions,
            given_answers(form, questions),
            today=to_uk(utcnow()).date(),
        ),
        None,
    )
    if done.ok:
        return render_template("feedback/thanks.html", event=event)
    return form_page("feedback/survey.html", form, event=event, token=token)


@bp.route("/feedback/<token>/no-thanks", methods=["GET", "POST"])
def no_thanks(token: str):
    """From the email: no feedback surveys for me, for this ticket or any other."""
    invitation = _invitation_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(lambda: answering.say_no_from_email(invitation), None)
        return render_template("feedback/no_thanks_done.html")
    return form_page("feedback/no_thanks.html", form, event=invitation.registration.event)


@bp.post("/tickets/<token>/feedback/<choice>")
def ticket_choice(token: str, choice: str):
    """The ticket page's choice: send me the survey after the event, or don't."""
    registration = or_404(ticket_for_link(token))
    if choice not in {"yes", "no"}:
        abort(404)
    confirm_or_400()
    wanted = choice == "yes"
    run_service(
        lambda: answering.set_wants_survey(registration, wanted),
        _("We will send you a short feedback survey after the event.")
        if wanted
        else _("We will not send you a feedback survey for this event."),
    )
    return redirect(url_for("registrations.ticket", token=token, _anchor="feedback"))


@bp.get("/admin/events/<int:event_id>/feedback")
@organiser_required
def event_feedback(event_id: int):
    """What the people who came said: scores and written answers (organisers only)."""
    event = db.get_or_404(Event, event_id)
    return render_template(
        "feedback/results.html",
        event=event,
        summary=results.feedback_summary(event, with_words=True),
        questions=survey.questions_for(event),
        can_change=not survey.survey_was_sent(event),
    )


@bp.route("/admin/events/<int:event_id>/feedback/questions", methods=["GET", "POST"])
@organiser_required
def survey_questions(event_id: int):
    """Choose 3 to 5 questions for the survey, until it is sent."""
    event = db.get_or_404(Event, event_id)
    form = SurveyQuestionsForm()
    if form.validate_on_submit() and (
        run_service(
            lambda: survey.choose_questions(
                event, form.choices(), actor=current_user, now=utcnow()
            ),
            _("The feedback questions are saved."),
            errors=form.form_errors,
        ).ok
    ):
        return redirect(url_for("feedback.event_feedback", event_id=event.id))
    if form.is_submitted():
        return render_template("feedback/questions.html", event=event, form=form), 400
    form.fill(survey.questions_for(event))
    if survey.survey_was_sent(event):
        flash(_("The survey has been sent, so its questions can no longer change."), "info")
    return render_template("feedback/questions.html", event=event, form=form)
