"""The back office's blueprint, and who may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from flask import Blueprint, request
from flask_babel import format_number

from nclw.accounts.permissions import check_in_staff_only, organisers_only
from nclw.backoffice import menu, wording
from nclw.wording import long_date

F = TypeVar("F", bound=Callable)

bp = Blueprint("backoffice", __name__, url_prefix="/admin")
# For the layouts: the menu with the page's section marked, and the frame of shared pages.
bp.add_app_template_global(menu.menu, "back_office_menu")
bp.add_app_template_global(menu.staff_layout, "staff_layout")
# The words for counts and stored states, in the page's language.
bp.add_app_template_filter(wording.places_and_offers, "places_and_offers")
bp.add_app_template_filter(wording.held_by, "held_by")
bp.add_app_template_filter(format_number, "format_number")
bp.add_app_template_filter(wording.event_status, "event_status")
bp.add_app_template_filter(wording.organisation_kind, "organisation_kind")
bp.add_app_template_filter(wording.mail_status, "mail_status")
bp.add_app_template_filter(wording.role, "role_words")
bp.add_app_template_filter(partial(long_date, year=False), "day_month")
bp.add_app_template_filter(long_date, "day_month_year")

# The check-in desk is where the QR code on every ticket leads, so door staff scanning tickets
# must get past the guard there, and only there. Each such view asks `can_check_in` itself.
_OPEN_TO_DOOR_STAFF: set[str] = set()


def open_to_door_staff(view: F) -> F:
    """Let door staff reach this view as well as organisers; the view checks the event."""
    _OPEN_TO_DOOR_STAFF.add(f"{bp.name}.{view.__name__}")
    return view


def endpoints_open_to_door_staff() -> frozenset[str]:
    """The back-office endpoints door staff may reach (for the event's own check)."""
    return frozenset(_OPEN_TO_DOOR_STAFF)


@bp.before_request
def _only_staff_allowed_here():
    """Every back-office page: anonymous visitors sign in first; partners get 403, and so do
    door staff everywhere but the check-in desk."""
    if request.endpoint in _OPEN_TO_DOOR_STAFF:
        return check_in_staff_only()
    return organisers_only()
