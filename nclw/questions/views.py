"""Questions for the live Q&A."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("questions", __name__)
