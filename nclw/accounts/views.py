"""Signing in and out, invitations and password resets."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_url, logout_user

from nclw.accounts import (
    email_links,
    invitations,
    loader,  # noqa: F401  (registers the user loader)
    services,
    session_timeouts,
    signing_in,
    two_step,
)
from nclw.accounts.forms import (
    AcceptInviteForm,
    ChangePasswordForm,
    NameForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignInLinkForm,
)
from nclw.accounts.models import TokenPurpose
from nclw.accounts.pending_sign_in import FirstStep
from nclw.errors import CannotSaveNow, database_writes
from nclw.extensions import db, limiter, login_manager
from nclw.forms import ConfirmForm
from nclw.timezones import utcnow
from nclw.web import form_page, run_form, run_service

bp = Blueprint("accounts", __name__)


def _signing_in_paused(_limit) -> Response:
    """Too many wrong passwords for one address, from many places: a password will not do for
    a while, but its owner can still get in with a one-time link sent to the address."""
    return signing_in.paused_page(request.form.get("email", ""))


@bp.app_context_processor
def _start_page() -> dict:
    # The header links a signed-in person to their start page, whatever their role.
    return {"start_page": signing_in.start_page}


@bp.before_app_request
def end_a_stale_sign_in() -> None:
    """Sign staff out after a while unused, and some hours after signing in."""
    if "_user_id" not in session:
        return
    config, now = current_app.config, utcnow()
    ended = session_timeouts.sign_in_ended(
        session,
        now=now,
        idle=timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["STAFF_SIGN_IN_HOURS"]),
    )
    if ended is None:
        session_timeouts.keep_alive(session, now=now)
        return
    signing_in.end_session()
    # The page asked for goes on as for anyone signed out: a public page shows, a staff page
    # sends the person to sign in (with `next`), both saying why.
    flash(ended, "info")
    g.sign_in_ended = True


@login_manager.unauthorized_handler
def ask_to_sign_in():
    """Send someone signed out to sign in, then back to the page they asked for."""
    if not g.get("sign_in_ended"):  # if it has just ended, that message said why
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
# Only wrong passwords (and, on the code pages, wrong codes) count.
@signing_in.counts_wrong_guesses(signing_in.password_key, on_breach=_signing_in_paused)
def sign_in():
    """Sign an organiser or partner user in with email and password."""
    form = SignInForm()
    next_url = signing_in.safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, now=utcnow())
        if user is not None:
            try:
                with database_writes():
                    db.session.commit()
            except CannotSaveNow:
                pass  # only the time of signing in is lost: staff still get in to read
            return signing_in.first_step_done(
                user, first_step=FirstStep.PASSWORD, next_url=next_url
            )
        form.form_errors.append(_("The email address or password is not right."))
    return form_page("accounts/sign_in.html", form)


@bp.post("/sign-in/link")
@limiter.limit("5 per minute")
def request_sign_in_link():
    """Email a one-time sign-in link (the answer is the same whether or not we know the address)."""
    form = SignInLinkForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in_paused.html", form=form), 400
    done = run_service(
        lambda: email_links.request_sign_in_link(form.email.data, now=utcnow()),
        None,
        errors=form.form_errors,
    )
    if not done.ok:  # the database takes no changes just now: the form again, as typed
        return render_template("accounts/sign_in_paused.html", form=form)
    return render_template("accounts/sign_in_link_sent.html", email=form.email.data)


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in_with_link(token: str):
    """A one-time sign-in link: a button to press (mail scanners open links; a GET changes
    nothing), then signed in."""
    if services.find_valid_token(token, TokenPurpose.SIGN_IN, now=utcnow()) is None:
        return render_template("accounts/link_expired.html", kind="sign_in"), 404
    form = ConfirmForm()
    done = run_form(form, lambda: email_links.sign_in_with_link(token, now=utcnow()), None)
    if done.ok and done.value is None:
        return render_template("accounts/link_expired.html", kind="sign_in"), 404
    if done.ok:
        return signing_in.first_step_done(done.value, first_step=FirstStep.LINK, next_url=None)
    return render_template("accounts/sign_in_link.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """Sign out, and make the old session cookie useless.

    With a database that takes no changes, this browser is still signed out (staff on a
    shared device at the door must be able to leave it); only ending the account's other
    sign-ins waits, and the message says so.
    """
    ended_everywhere = True
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        # The refusal is not flashed here: clearing the session below would lose it.
        ended_everywhere = run_service(lambda: services.end_sessions(user), None, errors=[]).ok
    logout_user()
    session.clear()
    if ended_everywhere:
        flash(_("You have signed out."), "success")
    else:
        flash(
            _(
                "You have signed out here. We cannot save changes just now, so any other "
                "device you signed in on stays signed in until it times out."
            ),
            "info",
        )
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/invite/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invite(token: str):
    """Set up an account from an invitation: a name and a password."""
    invite = invitations.usable_invitation(token, now=utcnow())
    if invite is None:
        return render_template("accounts/link_expired.html", kind="invitation"), 404
    form = AcceptInviteForm()
    if form.validate_on_submit():
        done = run_service(
            lambda: invitations.accept_invite(
                token, name=form.name.data, password=form.password.data, now=utcnow()
            ),
            _("Your account is ready. You are signed in."),
            errors=form.password.errors,
            then=signing_in.start_session,
        )
        if done.ok:
            return redirect(signing_in.home_for(done.value))
    return form_page("accounts/accept_invite.html", form, invite=invite)


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def request_reset():
    """Ask for a password reset link (the answer is the same whether or not we know the address)."""
    form = ResetRequestForm()
    done = run_form(
        form, lambda: email_links.request_password_reset(form.email.data, now=utcnow()), None
    )
    if done.ok:
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return form_page("accounts/reset_request.html", form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    if services.find_valid_token(token, TokenPurpose.PASSWORD_RESET, now=utcnow()) is None:
        return render_template("accounts/link_expired.html", kind="reset"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        done = run_service(
            lambda: services.reset_password(token, form.password.data, now=utcnow()),
            _("Your password has changed. Please sign in with it."),
            errors=form.password.errors,
            then=signing_in.end_session,
        )
        if done.ok:
            return redirect(url_for("accounts.sign_in"))
    return form_page("accounts/reset_password.html", form)


@bp.get("/account")
def account():
    """Your account: your name, your password, and signing out on every device."""
    if not current_user.is_authenticated:
        abort(404)
    return _account_page(NameForm(obj=current_user, prefix="name"), ChangePasswordForm(prefix="pw"))


def _account_page(name: NameForm, password: ChangePasswordForm, status: int = 200):
    page = render_template(
        "accounts/account.html",
        name=name,
        password=password,
        two_step=two_step.two_step_status(current_user),
        home=signing_in.home_for(current_user),
    )
    return page, status


@bp.post("/account/name")
@login_required
def change_name():
    """Change the name others see."""
    user = current_user._get_current_object()
    name = NameForm(prefix="name")
    if (
        name.validate_on_submit()
        and run_service(
            lambda: services.change_name(user, name.name.data or "", now=utcnow()),
            _("Your name is saved."),
            errors=name.form_errors,
        ).ok
    ):
        return redirect(url_for("accounts.account"))
    return _account_page(name, ChangePasswordForm(prefix="pw", formdata=None), 400)


@bp.post("/account/password")
@login_required
@limiter.limit("10 per hour")
def change_password():
    """A new password, given the current one; other devices are signed out."""
    user = current_user._get_current_object()
    password = ChangePasswordForm(prefix="pw")
    if (
        password.validate_on_submit()
        and run_service(
            lambda: services.change_password(
                user, password.current.data, password.password.data, now=utcnow()
            ),
            _("Your password has changed. Other devices are signed out."),
            errors=password.form_errors,
            then=lambda _: signing_in.start_session(user),
        ).ok
    ):
        return redirect(url_for("accounts.account"))
    return _account_page(NameForm(obj=user, prefix="name", formdata=None), password, 400)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this account, this one too."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if form.validate_on_submit():
        run_service(
            lambda: services.sign_out_everywhere(user, now=utcnow()),
            None,
            then=signing_in.end_session,
        )
        flash(_("You are signed out on every device."), "success")
        return redirect(url_for("accounts.sign_in"))
    abort(400)
