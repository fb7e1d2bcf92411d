"""Two-step sign-in: the code pages after the password, and turning it on and off."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from nclw.accounts import pending_sign_in, permissions, signing_in, two_step
from nclw.accounts.forms import CodeForm, RecoveryCodeForm, TurnOffTwoStepForm
from nclw.accounts.models import User
from nclw.accounts.pending_sign_in import FirstStep
from nclw.extensions import limiter
from nclw.forms import ConfirmForm
from nclw.timezones import utcnow
from nclw.web import form_page, run_service

bp = Blueprint("two_step", __name__)


def _code_step_paused(_limit) -> Response:
    """Too many wrong passwords and codes for the account: as on the sign-in page, a link by
    email still works; after a link, only waiting does."""
    waiting = signing_in.pending_user()
    if waiting is not None and waiting[0].first_step is FirstStep.PASSWORD:
        return signing_in.paused_page(waiting[1].email)
    return Response(render_template("two_step/paused.html"), 429)


def _sign_in_again() -> Response:
    """No sign-in is waiting for a code here (or it waited too long): back to the start."""
    if pending_sign_in.was_held(session):
        minutes = int(pending_sign_in.LIFETIME.total_seconds() // 60)
        flash(
            ngettext(
                "Please sign in again. The code must be typed within %(num)d minute.",
                "Please sign in again. The code must be typed within %(num)d minutes.",
                minutes,
            ),
            "info",
        )
    pending_sign_in.drop(session)
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@signing_in.counts_wrong_guesses(signing_in.code_key, on_breach=_code_step_paused)
def enter_code():
    """Finish signing in with the code from the authenticator app."""
    waiting = signing_in.pending_user()
    if waiting is None:
        return _sign_in_again()
    pending, user = waiting
    form = CodeForm()
    if (
        form.validate_on_submit()
        and run_service(
            lambda: two_step.sign_in_with_code(user, form.code.data, now=utcnow()),
            None,
            errors=form.code.errors,
            then=lambda _: signing_in.start_session(user),
        ).ok
    ):
        return redirect(pending.next_url or signing_in.home_for(user))
    return form_page("two_step/enter_code.html", form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@signing_in.counts_wrong_guesses(signing_in.code_key, on_breach=_code_step_paused)
def enter_recovery_code():
    """Finish signing in with a recovery code instead of the app; it works only once."""
    waiting = signing_in.pending_user()
    if waiting is None:
        return _sign_in_again()
    pending, user = waiting
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        done = run_service(
            lambda: two_step.sign_in_with_recovery_code(
                user, form.recovery_code.data, now=utcnow()
            ),
            two_step.recovery_codes_left_message,
            errors=form.recovery_code.errors,
            then=lambda _: signing_in.start_session(user),
        )
        if done.ok:
            return redirect(pending.next_url or signing_in.home_for(user))
    return form_page("two_step/enter_recovery_code.html", form)


def _qr_code(link: str) -> Markup:
    # Drawn into the page: the secret in it never travels in an image's address. Sized by
    # the stylesheet (a viewBox, no fixed size), so it fits a narrow phone.
    return Markup(segno.make(link, error="m").svg_inline(scale=1, border=4, omitsize=True))


def _set_up_page(user: User, form: CodeForm, status: int = 200):
    required = permissions.must_set_up_two_step(
        user, required=current_app.config["TWO_STEP_REQUIRED_FOR_ORGANISERS"]
    )
    if not user.totp_secret:
        page = render_template("two_step/start.html", form=ConfirmForm(), required=required)
        return page, status
    link = two_step.setup_link(user, issuer=current_app.config["SITE_NAME"])
    page = render_template(
        "two_step/set_up.html",
        form=form,
        qr_code=_qr_code(link),
        secret_groups=two_step.secret_in_groups(user),
        required=required,
    )
    return page, status


@bp.get("/account/two-step")
@login_required
def set_up():
    """Set up two-step sign-in: scan the QR code, then type a code to show it works."""
    user = current_user._get_current_object()
    if user.two_step_on:
        return redirect(url_for("accounts.account"))
    return _set_up_page(user, CodeForm())


@bp.post("/account/two-step/start")
@login_required
def start():
    """Make a new secret to set up an authenticator app with."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(lambda: two_step.begin_two_step(user), None)
        return redirect(url_for("two_step.set_up"))
    return _set_up_page(user, CodeForm(formdata=None), 400)


@bp.post("/account/two-step/confirm")
@login_required
@limiter.limit("10 per minute")
def confirm():
    """Turn two-step on once a code shows the app is set up; show the recovery codes once."""
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        done = run_service(
            lambda: two_step.turn_on_two_step(user, form.code.data, now=utcnow()),
            None,
            errors=form.code.errors,
            # Other devices are signed out; this one goes on, with the account's new token.
            then=lambda _: signing_in.start_session(user),
        )
        if done.ok:
            return _recovery_codes_page(user, done.value, first_time=True)
    return _set_up_page(user, form, 400)


def _recovery_codes_page(user: User, codes: list[str], *, first_time: bool):
    return render_template(
        "two_step/recovery_codes.html",
        codes=codes,
        first_time=first_time,
        home=signing_in.home_for(user),
    )


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@login_required
def renew_recovery_codes():
    """Make a new set of recovery codes (the old ones stop working), shown once."""
    user = current_user._get_current_object()
    if not user.two_step_on:
        return redirect(url_for("accounts.account"))
    form = ConfirmForm()
    if form.validate_on_submit():
        done = run_service(lambda: two_step.renew_recovery_codes(user, now=utcnow()), None)
        if done.ok:
            return _recovery_codes_page(user, done.value, first_time=False)
    return form_page(
        "two_step/renew_recovery_codes.html", form, status=two_step.two_step_status(user)
    )


@bp.route("/account/two-step/off", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def turn_off():
    """Turn two-step sign-in off, given the password or a current code."""
    user = current_user._get_current_object()
    if not user.two_step_on:
        return redirect(url_for("accounts.account"))
    form = TurnOffTwoStepForm()
    if (
        form.validate_on_submit()
        and run_service(
            lambda: two_step.turn_off_two_step(
                user, password=form.password.data or "", code=form.code.data or "", now=utcnow()
            ),
            _("Two-step sign-in is off. Signing in now needs only your password."),
            errors=form.form_errors,
        ).ok
    ):
        return redirect(url_for("accounts.account"))
    return form_page("two_step/turn_off.html", form)
