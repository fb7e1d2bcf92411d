"""Who may do what in the back office, in one place."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from nclw.accounts.models import User
from nclw.extensions import login_manager

F = TypeVar("F", bound=Callable)


def can_manage_event(user: User, event) -> bool:
    """Organisers manage every event; a partner only the events its organisation hosts."""
    if not user.is_active:
        return False
    if user.is_organiser:
        return True
    return user.is_partner and user.organisation_id == event.host_id


def organiser_required(view: F) -> F:
    """Anonymous visitors are sent to sign in; partners get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Organisers and partner users; anonymous visitors are sent to sign in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def partner_required(view: F) -> F:
    """Partner users only; organisers get 403 (they have the back office)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_partner:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
