"""The back office's blueprint, and who may use it."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from nclw.extensions import login_manager

bp = Blueprint("backoffice", __name__, url_prefix="/admin")


@bp.before_request
def organisers_only():
    """Every back-office page: anonymous visitors sign in first, partners get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_organiser:
        abort(403)
    return None
