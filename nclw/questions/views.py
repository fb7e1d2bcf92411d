"""Asking questions (public and from a ticket), moderating them and the presenter view."""

from __future__ import annotations

import hashlib
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from limits import parse_many

from nclw.accounts.permissions import staff_required
from nclw.config import ConfigurationError
from nclw.errors import NclwError
from nclw.events.models import Event, QuestionAskers
from nclw.events.services import get_public_event
from nclw.exports import CSV_MIMETYPE
from nclw.extensions import db, limiter
from nclw.questions import services
from nclw.questions.forms import ActionForm, AskQuestionForm, EditQuestionForm, QaSettingsForm
from nclw.questions.models import Question, QuestionStatus
from nclw.questions.personal_details import describe
from nclw.registrations.services import get_registration_by_token
from nclw.timezones import utcnow
from nclw.web import database_ids

bp = Blueprint("questions", __name__)

BROWSER_COOKIE = "nclw_qa_browser"
MODERATION_MOVES = {
    "approve": (services.approve_question, "Question approved."),
    "reject": (services.reject_question, "Question rejected. Nobody else will see it."),
    "answer": (services.mark_answered, "Question marked as answered."),
    "pin": (services.pin_question, "Question pinned as the one being answered now."),
    "unpin": (services.unpin_question, "Question unpinned."),
}


# --- rate limits -------------------------------------------------------------------------------


def _question_limit() -> str:
    return current_app.config["QUESTION_RATE_LIMIT"]


@bp.record_once
def _refuse_an_unreadable_question_limit(state: BlueprintSetupState) -> None:
    # Flask-Limiter skips a limit it cannot read, so a typo would quietly remove the limit.
    value = state.app.config["QUESTION_RATE_LIMIT"]
    try:
        parse_many(value)
    except ValueError:
        raise ConfigurationError(
            f"QUESTION_RATE_LIMIT {value!r} is not a limit. Write it like '5 per 10 minutes'."
        ) from None


def _ticket_limit_key() -> str:
    # Hashed so the limiter's storage (maybe Redis) never holds a ticket token.
    token = (request.view_args or {}).get("token", "")
    return "qa-ticket:" + hashlib.sha256(token.encode()).hexdigest()


def _address_limit_key() -> str:
    return "qa-address:" + (request.remote_addr or "unknown")


# --- helpers -----------------------------------------------------------------------------------


def _ticket_or_404(token: str):
    registration = get_registration_by_token(token)
    if registration is None or registration.anonymised_at:
        abort(404)
    return registration


def _question_or_404(event_id: int, question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.event_id != event_id:
        abort(404)
    return question


def _browser_id() -> str | None:
    value = request.cookies.get(BROWSER_COOKIE, "")
    return value if 20 <= len(value) <= 64 else None


def _remember_browser(response: Response, browser_id: str) -> Response:
    response.set_cookie(
        BROWSER_COOKIE,
        browser_id,
        max_age=60 * 60 * 24 * 30,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
    )
    return response


def _flash_thanks(question: Question) -> None:
    message = "Thank you. Your question will be checked before anyone else sees it."
    if question.flag_list:
        message += (
            f" It seems to include {describe(question.flag_list)}, so a moderator may take"
            " that out."
        )
    flash(message, "success")


bp.add_app_template_global(describe, "describe_flags")


@bp.after_app_request
def _keep_own_questions_private(response: Response) -> Response:
    """An event page listing this browser's own questions must not be kept by shared caches."""
    if request.endpoint == "events.detail" and request.cookies.get(BROWSER_COOKIE):
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


@bp.app_template_global()
def question_panel_for_event(event: Event) -> dict:
    """What the public event page shows about questions."""
    if not event.qa_enabled:
        return {"enabled": False}
    browser_id = _browser_id()
    anyone = event.qa_askers == QuestionAskers.ANYONE
    return {
        "enabled": True,
        "anyone": anyone,
        "closed_reason": services.asking_closed_reason(event, now=utcnow()),
        "form": AskQuestionForm(formdata=None),
        "questions": services.live_questions(event) if event.qa_public_list else None,
        "answered": services.answered_questions(event) if event.qa_public_list else [],
        "can_vote": anyone and event.qa_public_list,
        "voted": (
            services.voted_question_ids(event, services.browser_key(browser_id))
            if browser_id
            else set()
        ),
        "mine": (
            services.questions_asked_by(event, services.browser_key(browser_id))
            if anyone and browser_id
            else []
        ),
    }


@bp.app_template_global()
def question_panel_for_ticket(registration) -> dict:
    """What a ticket page shows about questions: the ask form, the asker's own and the live list."""
    event = registration.event
    if not event.qa_enabled:
        return {"enabled": False}
    key = services.ticket_key(registration)
    return {
        "enabled": True,
        "closed_reason": services.asking_closed_reason(
            event, registration=registration, now=utcnow()
        ),
        "form": AskQuestionForm(formdata=None),
        "mine": services.questions_asked_by(event, key),
        "questions": services.live_questions(event),
        "voted": services.voted_question_ids(event, key),
        "can_vote": services.ticket_may_vote(registration),
    }


# --- asking from a ticket ----------------------------------------------------------------------


@bp.route("/tickets/<token>/questions/ask", methods=["GET", "POST"])
# Counted when the request arrives (not after it succeeds) so concurrent posts cannot all slip
# under the limit.
@limiter.limit(_question_limit, key_func=_ticket_limit_key, methods=["POST"])
def ask_from_ticket(token: str):
    """Send a question for the event's Q&A from a ticket."""
    registration = _ticket_or_404(token)
    event = registration.event
    form = AskQuestionForm()
    if form.validate_on_submit():
        try:
            question = services.ask_question(
                event,
                form.body.data,
                display_name=form.display_name.data,
                registration=registration,
                now=utcnow(),
            )
        except NclwError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            _flash_thanks(question)
            return redirect(url_for("registrations.ticket", token=token, _anchor="questions"))
    status = 400 if form.is_submitted() else 200
    closed_reason = services.asking_closed_reason(event, registration=registration, now=utcnow())
    back = url_for("registrations.ticket", token=token)
    return render_template(
        "questions/ask.html", event=event, form=form, closed_reason=closed_reason, back=back
    ), status


@bp.post("/tickets/<token>/questions/<int:question_id>/withdraw")
def withdraw_from_ticket(token: str, question_id: int):
    """Take back one of this ticket's questions."""
    registration = _ticket_or_404(token)
    question = _question_or_404(registration.event_id, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.withdraw_question(question, asker_key=services.ticket_key(registration), now=utcnow())
    db.session.commit()
    flash("Your question has been withdrawn.", "success")
    return redirect(url_for("registrations.ticket", token=token, _anchor="questions"))


@bp.post("/tickets/<token>/questions/<int:question_id>/vote")
def vote_from_ticket(token: str, question_id: int):
    """Add this ticket's vote to a question."""
    registration = _ticket_or_404(token)
    question = _question_or_404(registration.event_id, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not services.ticket_may_vote(registration):
        abort(403)
    services.vote_for_question(question, voter_key=services.ticket_key(registration))
    db.session.commit()
    flash("Thank you. Your vote is counted.", "success")
    return redirect(url_for("registrations.ticket", token=token, _anchor="live-questions"))


# --- asking from the event page (where anyone may ask) -----------------------------------------


@bp.route("/events/<slug>/questions/ask", methods=["GET", "POST"])
@limiter.limit(_question_limit, key_func=_address_limit_key, methods=["POST"])
def ask_from_event(slug: str):
    """Send a question for the event's Q&A without a ticket, where the event allows it."""
    event = get_public_event(slug)
    if event is None or not event.qa_enabled:
        abort(404)
    form = AskQuestionForm()
    browser_id = _browser_id() or secrets.token_urlsafe(24)
    if form.validate_on_submit():
        try:
            question = services.ask_question(
                event,
                form.body.data,
                display_name=form.display_name.data,
                browser_id=browser_id,
                now=utcnow(),
            )
        except NclwError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            _flash_thanks(question)
            response = redirect(url_for("events.detail", slug=slug, _anchor="questions"))
            return _remember_browser(response, browser_id)
    status = 400 if form.is_submitted() else 200
    closed_reason = services.asking_closed_reason(event, now=utcnow())
    back = url_for("events.detail", slug=slug)
    return render_template(
        "questions/ask.html", event=event, form=form, closed_reason=closed_reason, back=back
    ), status


@bp.post("/events/<slug>/questions/<int:question_id>/withdraw")
def withdraw_from_event(slug: str, question_id: int):
    """Take back a question this browser sent."""
    event = get_public_event(slug)
    if event is None:
        abort(404)
    question = _question_or_404(event.id, question_id)
    browser_id = _browser_id()
    if not ActionForm().validate_on_submit() or browser_id is None:
        abort(400)
    services.withdraw_question(question, asker_key=services.browser_key(browser_id), now=utcnow())
    db.session.commit()
    flash("Your question has been withdrawn.", "success")
    return redirect(url_for("events.detail", slug=slug, _anchor="questions"))


@bp.post("/events/<slug>/questions/<int:question_id>/vote")
# A new browser id is free to make, so votes without a ticket are also limited per address.
@limiter.limit("30 per 10 minutes", key_func=_address_limit_key, methods=["POST"])
def vote_from_event(slug: str, question_id: int):
    """Add this browser's vote to a question, where anyone may ask."""
    event = get_public_event(slug)
    if event is None:
        abort(404)
    question = _question_or_404(event.id, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.check_browser_voting(event)
    browser_id = _browser_id() or secrets.token_urlsafe(24)
    services.vote_for_question(question, voter_key=services.browser_key(browser_id))
    db.session.commit()
    flash("Thank you. Your vote is counted.", "success")
    response = redirect(url_for("events.detail", slug=slug, _anchor="questions"))
    return _remember_browser(response, browser_id)


# --- moderating --------------------------------------------------------------------------------


def _moderated_event_or_403(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    if not services.can_moderate_questions(current_user, event):
        abort(403)
    return event


@bp.get("/admin/events/<int:event_id>/questions")
@staff_required
def queue(event_id: int):
    """List an event's questions in one state, with the counts of every state."""
    event = _moderated_event_or_403(event_id)
    try:
        status = QuestionStatus(request.args.get("status", QuestionStatus.PENDING.value))
    except ValueError:
        abort(404)
    settings = QaSettingsForm(
        formdata=None,
        enabled=event.qa_enabled,
        askers=event.qa_askers.value,
        public_list=event.qa_public_list,
        partner_moderates=event.partner_moderates,
    )
    return render_template(
        "questions/queue.html",
        event=event,
        status=status,
        questions=services.moderation_queue(event, status),
        counts=services.status_counts(event),
        settings=settings,
        ended=utcnow() >= event.ends_at,
    )


@bp.post("/admin/events/<int:event_id>/questions/<int:question_id>/<move>")
@staff_required
def moderate(event_id: int, question_id: int, move: str):
    """Approve, reject, mark answered, pin or unpin one question."""
    event = _moderated_event_or_403(event_id)
    question = _question_or_404(event.id, question_id)
    if move not in MODERATION_MOVES:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    service, message = MODERATION_MOVES[move]
    service(question, actor=current_user, now=utcnow())
    db.session.commit()
    flash(message, "success")
    back_to = request.form.get("back_to", "")
    if back_to == "presenter":
        return redirect(url_for("questions.presenter", event_id=event.id))
    status = back_to if back_to in set(QuestionStatus) else None
    return redirect(url_for("questions.queue", event_id=event.id, status=status))


@bp.post("/admin/events/<int:event_id>/questions/approve")
@staff_required
def bulk_approve(event_id: int):
    """Approve every selected question that has no personal detail flagged."""
    event = _moderated_event_or_403(event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = database_ids(request.form.getlist("question_id"))
    count = services.approve_questions(event, ids, actor=current_user, now=utcnow())
    db.session.commit()
    skipped = len(ids) - count
    message = f"{count} question{'s' if count != 1 else ''} approved."
    if skipped:
        message += (
            f" {skipped} not approved: they may include personal details or were already moderated."
        )
    flash(message, "success" if not skipped else "info")
    return redirect(url_for("questions.queue", event_id=event.id))


@bp.route("/admin/events/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(event_id: int, question_id: int):
    """Change a question's words, usually to take out a personal detail."""
    event = _moderated_event_or_403(event_id)
    question = _question_or_404(event.id, question_id)
    form = EditQuestionForm(body=question.body)
    if form.validate_on_submit():
        try:
            services.edit_question(question, form.body.data, actor=current_user, now=utcnow())
            if "approve" in request.form and question.status == QuestionStatus.PENDING:
                services.approve_question(question, actor=current_user, now=utcnow())
        except NclwError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash("Question saved.", "success")
            return redirect(url_for("questions.queue", event_id=event.id))
    status = 400 if form.is_submitted() else 200
    flags = describe(services.flags_for_text(form.body.data or ""))
    return render_template(
        "questions/edit.html", event=event, question=question, form=form, flags=flags
    ), status


@bp.post("/admin/events/<int:event_id>/questions/settings")
@staff_required
def settings(event_id: int):
    """Turn Q&A on or off and choose who asks, who moderates and whether the list is public."""
    event = _moderated_event_or_403(event_id)
    form = QaSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    services.update_qa_settings(
        event,
        enabled=form.enabled.data,
        askers=QuestionAskers(form.askers.data),
        public_list=form.public_list.data,
        partner_moderates=form.partner_moderates.data,
        actor=current_user,
        now=utcnow(),
    )
    db.session.commit()
    flash("Q&A settings saved.", "success")
    return redirect(url_for("questions.queue", event_id=event.id))


def _render_presenter(event_id: int, template: str) -> str:
    # The whole page and its live part must show the same questions to the same people.
    event = _moderated_event_or_403(event_id)
    pinned, upcoming = services.presenter_questions(event)
    return render_template(template, event=event, pinned=pinned, upcoming=upcoming)


@bp.get("/admin/events/<int:event_id>/questions/presenter")
@staff_required
def presenter(event_id: int):
    """Show the pinned question and the next ones in large type; the page refreshes itself."""
    return _render_presenter(event_id, "questions/presenter.html")


@bp.get("/admin/events/<int:event_id>/questions/presenter/live")
@staff_required
def presenter_live(event_id: int):
    """The presenter view's questions alone, for the page's script to swap in."""
    return _render_presenter(event_id, "questions/_presenter_questions.html")


@bp.get("/admin/events/<int:event_id>/questions.csv")
@staff_required
def export(event_id: int):
    """Download the event's approved and answered questions, without who asked them."""
    event = _moderated_event_or_403(event_id)
    body = services.export_questions_csv(event, actor=current_user, now=utcnow())
    db.session.commit()
    return Response(
        body,
        mimetype=CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="questions-{event.slug}.csv"'},
    )
