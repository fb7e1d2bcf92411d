"""Where door staff start: the events they are given, each linking to its check-in desk."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from nclw.accounts import door_staff
from nclw.accounts.permissions import door_staff_required
from nclw.timezones import utcnow

bp = Blueprint("door", __name__, url_prefix="/door")


@bp.get("/")
@door_staff_required
def home():
    """List the events this person checks people in at, those still to come first."""
    return render_template(
        "door/home.html", events=door_staff.events_given_to(current_user, now=utcnow())
    )
