"""Signing in and out, invitations and password resets."""

from __future__ import annotations

from flask import Blueprint

from nclw.accounts import loader  # noqa: F401  (registers the user loader)

bp = Blueprint("accounts", __name__)
