"""Development-only: read the emails the site would have sent."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")
