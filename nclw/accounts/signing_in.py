"""What the sign-in pages share: starting a login session, the half-done sign-in that waits
for a code, and the throttle on wrong guesses.

The throttle counts wrong passwords and wrong codes together, per account: from one place
they slow that place down; from everywhere they pause signing in with a password for the
account, while a one-time link by email still lets its owner in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from nclw.accounts import pending_sign_in, session_timeouts
from nclw.accounts.forms import SignInLinkForm
from nclw.accounts.models import Role, User
from nclw.accounts.pending_sign_in import FirstStep, PendingSignIn
from nclw.addresses import normalise_email
from nclw.extensions import db, limiter
from nclw.timezones import utcnow

# Shared scopes: the sign-in page and the code pages add to the same counts.
_HERE_SCOPE = "sign-in-here"
_EVERYWHERE_SCOPE = "sign-in-everywhere"
_FROM_ONE_PLACE = "5 per minute;20 per hour"


def _hashed(value: str) -> str:
    # The limiter's store (maybe Redis) holds neither email addresses nor IP addresses.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account_key(email: str, first_step: FirstStep = FirstStep.PASSWORD) -> str:
    # After a one-time link, codes are counted apart: wrong passwords, which anyone who knows
    # the address can type, must not stop the owner getting in with a link and their code.
    prefix = "sign-in:" if first_step is FirstStep.PASSWORD else "sign-in-link:"
    return prefix + _hashed(normalise_email(email)[:254])


def password_key() -> str:
    """Rate-limit key on the sign-in page: the address typed."""
    return _account_key(request.form.get("email", ""))


def code_key() -> str:
    """Rate-limit key on the code pages: the account waiting for its code ("" if none)."""
    waiting = pending_user()
    if waiting is None:
        return ""  # nothing is counted: the page sends them back to sign in
    pending, user = waiting
    return _account_key(user.email, pending.first_step)


def _refused(response: Response) -> bool:
    return response.status_code == 400


def counts_wrong_guesses(
    account_key: Callable[[], str], *, on_breach: Callable[..., Response]
) -> Callable:
    """The sign-in throttle, for a page where a wrong answer is a guess at an account.

    Only refused answers (400) count. From one place for one account: someone guessing is
    slowed down without touching the owner, who signs in from somewhere else. From
    everywhere for one account: signing in pauses (`on_breach` says so).
    """

    def here_key() -> str:
        account = account_key()
        return account and f"{account}:{_hashed(request.remote_addr or 'unknown')}"

    here = limiter.shared_limit(
        _FROM_ONE_PLACE,
        scope=_HERE_SCOPE,
        key_func=here_key,
        methods=["POST"],
        deduct_when=_refused,
    )
    everywhere = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_PAUSE_AFTER"],
        scope=_EVERYWHERE_SCOPE,
        key_func=account_key,
        methods=["POST"],
        deduct_when=_refused,
        on_breach=on_breach,
    )
    return lambda view: here(everywhere(view))


def paused_page(email: str) -> Response:
    """Too many wrong answers for one account: a one-time link by email still works."""
    form = SignInLinkForm(email=email)
    return make_response(render_template("accounts/sign_in_paused.html", form=form), 429)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None."""
    # "//evil.example" and "https://..." would send people away.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


# Where each role starts, and what the header calls that page.
START_PAGES = {
    Role.ORGANISER: ("backoffice.dashboard", _l("Back office")),
    Role.PARTNER: ("partners.home", _l("Partner area")),
    Role.DOOR_STAFF: ("door.home", _l("Your events")),
}


def home_for(user: User) -> str:
    """Where a signed-in user starts: the back office, the partner area or their events."""
    return url_for(START_PAGES[user.role][0])


def start_page(user: User) -> tuple[str, str]:
    """A signed-in person's start page and its name, for the header."""
    return home_for(user), str(START_PAGES[user.role][1])


def start_session(user: User) -> None:
    """Sign in: a fresh session, so nothing set before (by anyone) carries over."""
    session.clear()
    login_user(user)
    session_timeouts.start_clock(session, now=utcnow())


def end_session(_result=None) -> None:
    """Sign out of this browser, forgetting everything in its session."""
    logout_user()
    session.clear()


def first_step_done(user: User, *, first_step: FirstStep, next_url: str | None) -> Response:
    """The password (or a one-time link) was right: sign in, or with two-step on, ask for
    the code first."""
    if not user.two_step_on:
        start_session(user)
        return redirect(next_url or home_for(user))
    end_session()
    pending_sign_in.hold(
        session,
        user_id=user.id,
        session_token=user.session_token,
        first_step=first_step,
        next_url=next_url,
        now=utcnow(),
    )
    return redirect(url_for("two_step.enter_code"))


def pending_user() -> tuple[PendingSignIn, User] | None:
    """The half-done sign-in in this browser, and its account, if it still counts."""
    pending = pending_sign_in.held(session, now=utcnow())
    if pending is None:
        return None
    user = db.session.get(User, pending.user_id)
    if (
        user is None
        or not user.active
        or not user.two_step_on
        or not hmac.compare_digest(user.session_token, pending.session_token)
    ):
        return None
    return pending, user
