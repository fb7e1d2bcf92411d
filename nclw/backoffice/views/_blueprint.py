"""The back office's blueprint, and who may use it."""

from __future__ import annotations

from flask import Blueprint

from nclw.accounts.permissions import organisers_only

bp = Blueprint("backoffice", __name__, url_prefix="/admin")
# Every back-office page: anonymous visitors sign in first, partners get 403.
bp.before_request(organisers_only)
