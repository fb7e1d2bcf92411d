"""Who may do what, in one place: services ask these before acting, views before showing.

The predicates take the acting user and the thing acted on and answer yes or no; the
decorators below turn the same answers into "sign in first" or 403 for a whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.accounts.models import DoorStaffAssignment, User
from nclw.extensions import db, login_manager

F = TypeVar("F", bound=Callable)


def is_active_organiser(user: User | None) -> bool:
    """Organisers run the week: events, people, reviews, settings."""
    return bool(user is not None and user.is_active and user.is_organiser)


def must_set_up_two_step(user: User | None, *, required: bool) -> bool:
    """An organiser without two-step sign-in, where the site requires it of organisers.

    They may use their account page (to set it up) and sign out, but nothing else of the
    back office: its pages show young people's details.
    """
    return bool(required and user is not None and user.is_organiser and not user.two_step_on)


def can_propose_sessions(user: User | None) -> bool:
    """A signed-in partner user whose account belongs to an organisation."""
    return bool(user is not None and user.is_active and user.is_partner and user.organisation_id)


def can_change_proposal(user: User | None, proposal) -> bool:
    """Only the organisation that proposed a session may change or send its proposal."""
    return can_propose_sessions(user) and user.organisation_id == proposal.organisation_id


def can_host(user: User | None, event) -> bool:
    """A partner user acting for the organisation that hosts this event."""
    return bool(user is not None and user.is_partner and can_manage_event(user, event))


def can_manage_event(user: User, event) -> bool:
    """Organisers manage every event; a partner only the events its organisation hosts."""
    if not user.is_active:
        return False
    if user.is_organiser:
        return True
    return user.is_partner and user.organisation_id == event.host_id


def can_moderate_questions(user: User, event) -> bool:
    """Organisers moderate every event; a host partner only when the organisers allow it."""
    if not can_manage_event(user, event):
        return False
    return user.is_organiser or event.partner_moderates


def can_change_qa_settings(user: User) -> bool:
    """Only organisers turn Q&A on or off and choose who asks and who moderates."""
    return is_active_organiser(user)


def is_active_door_staff(user: User | None) -> bool:
    """Door staff check people in at the events they are given, and see nothing else."""
    return bool(user is not None and user.is_active and user.is_door_staff)


def can_check_in(user: User | None, event) -> bool:
    """Organisers check people in at every event; door staff only at the events given to them.

    Asked afresh on every request, so taking an event away (or the account) ends it at once.
    """
    if is_active_organiser(user):
        return True
    if not is_active_door_staff(user):
        return False
    given = sa.select(DoorStaffAssignment).where(
        DoorStaffAssignment.event_id == event.id, DoorStaffAssignment.user_id == user.id
    )
    return bool(db.session.scalar(sa.select(given.exists())))


def _two_step_first():
    """Send an organiser who must set up two-step sign-in to do so; else None."""
    required = current_app.config["TWO_STEP_REQUIRED_FOR_ORGANISERS"]
    if not must_set_up_two_step(current_user, required=required):
        return None
    flash(_("Turn on two-step sign-in to use the back office."), "info")
    return redirect(url_for("two_step.set_up"))


def _signed_in_as(allowed: Callable[[User], bool]):
    """None when the signed-in user is `allowed`; else sign in first, or 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not allowed(current_user):
        abort(403)
    return None


def organisers_only():
    """For a page only organisers see: None for an organiser; else sign in first, or 403.

    An organiser the site requires to use two-step sign-in, without it, is sent to set it up.
    """
    return _signed_in_as(is_active_organiser) or _two_step_first()


def check_in_staff_only():
    """For the check-in desk: None for an organiser or door staff; else sign in first, or 403.

    Which events door staff may check people in at is `can_check_in`'s answer, asked by the desk.
    """
    # The desk is a back-office page for organisers too: the same two-step rule holds.
    return _signed_in_as(_organiser_or_door_staff) or _two_step_first()


def _organiser_or_door_staff(user: User) -> bool:
    return is_active_organiser(user) or is_active_door_staff(user)


def _active_account(user: User) -> bool:
    return user.is_active


def _is_active_partner(user: User) -> bool:
    # Deactivating an account ends its sessions; this holds even if one outlived that (an
    # account switched off by hand in the database), as it does for organisers and door staff.
    return user.is_active and user.is_partner


def _guarded(view: F, check: Callable[[], object]) -> F:
    """`view`, answered instead by what `check` answers (sign in first, 403, a redirect)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return check() or view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def organiser_required(view: F) -> F:
    """Anonymous visitors are sent to sign in; partners get 403."""
    return _guarded(view, organisers_only)


def staff_required(view: F) -> F:
    """Organisers and partner users; anonymous visitors are sent to sign in, and organisers
    who must set up two-step sign-in to do that first."""
    return _guarded(view, lambda: _signed_in_as(_active_account) or _two_step_first())


def partner_required(view: F) -> F:
    """Partner users only; organisers get 403 (they have the back office)."""
    return _guarded(view, lambda: _signed_in_as(_is_active_partner))


def door_staff_required(view: F) -> F:
    """Door staff only; anonymous visitors are sent to sign in, everyone else gets 403."""
    return _guarded(view, lambda: _signed_in_as(is_active_door_staff))
