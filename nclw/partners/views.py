"""The partner area: proposals and the sessions a partner runs."""

from __future__ import annotations

from flask import Blueprint

from nclw.partners import services  # noqa: F401  (models must be known before create_all)

bp = Blueprint("partners", __name__, url_prefix="/partner")
