"""The public side of questions: the event and ticket page panels, asking, voting, withdrawing."""

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
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from limits import parse_many

from nclw.config import ConfigurationError
from nclw.events.cache import EventPagePart, add_event_page_part
from nclw.events.models import Event, QuestionAskers
from nclw.events.services import get_public_event
from nclw.extensions import db, limiter
from nclw.questions.forms import AskQuestionForm
from nclw.questions.models import Question
from nclw.questions.personal_details import describe
from nclw.questions.services import asking, listing, voting
from nclw.questions.services.keys import browser_key, ticket_key
from nclw.registrations.models import Registration
from nclw.registrations.ticket_links import registration_id_for_link, ticket_for_link
from nclw.timezones import utcnow
from nclw.web import confirm_or_400, form_page, or_404, run_service

BROWSER_COOKIE = "nclw_qa_browser"
# After a question is sent, the page lands on the thank-you in the questions panel (not on a
# message at the top of the page, off-screen on a phone), shown once.
THANKS_KEY = "nclw_question_sent"
THANKS_ANCHOR = "question-sent"


# --- rate limits -------------------------------------------------------------------------------


def _question_limit() -> str:
    return current_app.config["QUESTION_RATE_LIMIT"]


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
    # Per ticket, not per link: each email brings a link of its own. Hashed, so the limiter's
    # storage (maybe Redis) holds neither a token nor a ticket's number.
    token = (request.view_args or {}).get("token", "")
    ticket = registration_id_for_link(token)
    counted = f"ticket:{ticket}" if ticket else f"link:{token}"
    return "qa-ticket:" + hashlib.sha256(counted.encode()).hexdigest()


def _address_limit_key() -> str:
    return "qa-address:" + (request.remote_addr or "unknown")


# --- helpers -----------------------------------------------------------------------------------


def _ticket_or_404(token: str) -> Registration:
    return or_404(ticket_for_link(token))


def _question_or_404(event_id: int, question_id: int) -> Question:
    return or_404(listing.event_question(event_id, question_id))


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


def _thanks(question: Question) -> str:
    if question.flag_list:
        return _(
            "Thank you. Your question will be checked before anyone else sees it. It seems to "
            "include %(details)s, so a moderator may take that out.",
            details=describe(question.flag_list),
        )
    return _("Thank you. Your question will be checked before anyone else sees it.")


def _remember_thanks(event: Event, question: Question) -> None:
    session[THANKS_KEY] = {"event": event.id, "message": _thanks(question)}


def _take_thanks(event: Event) -> str | None:
    """The thank-you for a question just sent to this event, once; None when there is none."""
    sent = session.get(THANKS_KEY)
    if not isinstance(sent, dict) or sent.get("event") != event.id:
        return None
    session.pop(THANKS_KEY)
    return str(sent.get("message", ""))


def _keep_own_questions_private(response: Response) -> Response:
    """An event page listing this browser's own questions must not be kept by shared caches."""
    if request.endpoint == "events.detail" and request.cookies.get(BROWSER_COOKIE):
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


# --- the panels on other pages -----------------------------------------------------------------


def _withdrawable(mine: list[Question]) -> set[int]:
    return {question.id for question in mine if asking.may_withdraw(question)}


def question_panel_for_event(event: Event) -> dict:
    """What the public event page shows about questions."""
    if not event.qa_enabled:
        return {"enabled": False}
    browser_id = _browser_id()
    anyone = event.qa_askers == QuestionAskers.ANYONE
    closed_reason = asking.event_page_closed_reason(event, now=utcnow())
    # Only where anyone may ask does a browser have questions of its own.
    mine = []
    if anyone and browser_id:
        mine = asking.questions_asked_by(event, browser_key(browser_id))
    return {
        "enabled": True,
        "thanks": _take_thanks(event),
        "anyone": anyone,
        "closed_reason": closed_reason,
        "form": AskQuestionForm(formdata=None),
        "questions": listing.live_questions(event) if event.qa_public_list else None,
        "answered": listing.answered_questions(event) if event.qa_public_list else [],
        "can_vote": voting.browser_may_vote(event),
        "voted": (
            voting.voted_question_ids(event, browser_key(browser_id)) if browser_id else set()
        ),
        "mine": mine,
        "withdrawable": _withdrawable(mine),
    }


def question_panel_for_ticket(registration: Registration) -> dict:
    """What a ticket page shows about questions: the ask form, the asker's own and the live list."""
    event = registration.event
    if not event.qa_enabled:
        return {"enabled": False}
    key = ticket_key(registration)
    mine = asking.questions_asked_by(event, key)
    return {
        "enabled": True,
        "thanks": _take_thanks(event),
        "closed_reason": asking.asking_closed_reason(
            event, registration=registration, now=utcnow()
        ),
        "form": AskQuestionForm(formdata=None),
        "mine": mine,
        "withdrawable": _withdrawable(mine),
        "questions": listing.live_questions(event),
        "voted": voting.voted_question_ids(event, key),
        "can_vote": voting.ticket_may_vote(registration),
    }


# --- asking from a ticket ----------------------------------------------------------------------


def _send_question(form: AskQuestionForm, event: Event, **asker) -> bool:
    """Send the typed question from a ticket or a browser; False if it was not sent.

    A refusal (closed, too long, too many) is put on the form, to be shown above it. The
    thank-you is kept for the questions panel the asker is sent back to.
    """
    return (
        form.validate_on_submit()
        and run_service(
            lambda: asking.ask_question(
                event,
                form.body.data,
                display_name=form.display_name.data,
                now=utcnow(),
                **asker,
            ),
            None,
            errors=form.form_errors,
            then=lambda question: _remember_thanks(event, question),
        ).ok
    )


def _ask_page(form: AskQuestionForm, event: Event, *, closed_reason: str | None, back: str):
    return form_page(
        "questions/ask.html", form, event=event, closed_reason=closed_reason, back=back
    )


# Counted when the request arrives (not after it succeeds) so concurrent posts cannot all slip
# under the limit.
@limiter.limit(_question_limit, key_func=_ticket_limit_key, methods=["POST"])
def ask_from_ticket(token: str):
    """Send a question for the event's Q&A from a ticket."""
    registration = _ticket_or_404(token)
    event = registration.event
    form = AskQuestionForm()
    if _send_question(form, event, registration=registration):
        return redirect(url_for("registrations.ticket", token=token, _anchor=THANKS_ANCHOR))
    return _ask_page(
        form,
        event,
        closed_reason=asking.asking_closed_reason(event, registration=registration, now=utcnow()),
        back=url_for("registrations.ticket", token=token),
    )


def withdraw_from_ticket(token: str, question_id: int):
    """Take back one of this ticket's questions."""
    registration = _ticket_or_404(token)
    question = _question_or_404(registration.event_id, question_id)
    confirm_or_400()
    asking.withdraw_question(question, asker_key=ticket_key(registration), now=utcnow())
    db.session.commit()
    flash(_("Your question has been withdrawn."), "success")
    return redirect(url_for("registrations.ticket", token=token, _anchor="questions"))


def vote_from_ticket(token: str, question_id: int):
    """Add this ticket's vote to a question."""
    registration = _ticket_or_404(token)
    question = _question_or_404(registration.event_id, question_id)
    confirm_or_400()
    voting.cast_vote(question, registration=registration)
    db.session.commit()
    flash(_("Thank you. Your vote is counted."), "success")
    return redirect(url_for("registrations.ticket", token=token, _anchor="live-questions"))


# --- asking from the event page (where anyone may ask) -----------------------------------------


@limiter.limit(_question_limit, key_func=_address_limit_key, methods=["POST"])
def ask_from_event(slug: str):
    """Send a question for the event's Q&A without a ticket, where the event allows it."""
    event = get_public_event(slug)
    if event is None or not event.qa_enabled:
        abort(404)
    form = AskQuestionForm()
    browser_id = _browser_id() or secrets.token_urlsafe(24)
    if _send_question(form, event, browser_id=browser_id):
        response = redirect(url_for("events.detail", slug=slug, _anchor=THANKS_ANCHOR))
        return _remember_browser(response, browser_id)
    return _ask_page(
        form,
        event,
        closed_reason=asking.asking_closed_reason(event, now=utcnow()),
        back=url_for("events.detail", slug=slug),
    )


def withdraw_from_event(slug: str, question_id: int):
    """Take back a question this browser sent."""
    event = or_404(get_public_event(slug))
    question = _question_or_404(event.id, question_id)
    confirm_or_400()
    browser_id = _browser_id()
    if browser_id is None:
        abort(400)
    asking.withdraw_question(question, asker_key=browser_key(browser_id), now=utcnow())
    db.session.commit()
    flash(_("Your question has been withdrawn."), "success")
    return redirect(url_for("events.detail", slug=slug, _anchor="questions"))


# Flood control for the whole address; how many votes one address may give one question is
# the voting rule's (cast_vote), counted with the votes themselves.
@limiter.limit("30 per 10 minutes", key_func=_address_limit_key, methods=["POST"])
def vote_from_event(slug: str, question_id: int):
    """Add this browser's vote to a question, where anyone may ask."""
    event = or_404(get_public_event(slug))
    question = _question_or_404(event.id, question_id)
    confirm_or_400()
    browser_id = _browser_id() or secrets.token_urlsafe(24)
    voting.cast_vote(question, browser_id=browser_id, address=request.remote_addr)
    db.session.commit()
    flash(_("Thank you. Your vote is counted."), "success")
    response = redirect(url_for("events.detail", slug=slug, _anchor="questions"))
    return _remember_browser(response, browser_id)


def _panel_is_personal() -> bool:
    """Whether this reader's event page panel is their own: their questions and votes, or
    the thank-you for one just sent."""
    return bool(_browser_id()) or THANKS_KEY in session


def _add_panel_to_event_pages(state: BlueprintSetupState) -> None:
    add_event_page_part(
        state.app, EventPagePart(sql=listing.PUBLIC_LIST_STAMP, personal=_panel_is_personal)
    )


def register(bp: Blueprint) -> None:
    """Add the public question pages, panels and cache rule to the questions blueprint."""
    bp.record_once(_refuse_an_unreadable_question_limit)
    bp.record_once(_add_panel_to_event_pages)
    bp.after_app_request(_keep_own_questions_private)
    bp.add_app_template_global(describe, "describe_flags")
    bp.add_app_template_global(question_panel_for_event)
    bp.add_app_template_global(question_panel_for_ticket)
    get_post, post = ["GET", "POST"], ["POST"]
    bp.add_url_rule("/tickets/<token>/questions/ask", view_func=ask_from_ticket, methods=get_post)
    bp.add_url_rule(
        "/tickets/<token>/questions/<int:question_id>/withdraw",
        view_func=withdraw_from_ticket,
        methods=post,
    )
    bp.add_url_rule(
        "/tickets/<token>/questions/<int:question_id>/vote",
        view_func=vote_from_ticket,
        methods=post,
    )
    bp.add_url_rule("/events/<slug>/questions/ask", view_func=ask_from_event, methods=get_post)
    bp.add_url_rule(
        "/events/<slug>/questions/<int:question_id>/withdraw",
        view_func=withdraw_from_event,
        methods=post,
    )
    bp.add_url_rule(
        "/events/<slug>/questions/<int:question_id>/vote", view_func=vote_from_event, methods=post
    )
