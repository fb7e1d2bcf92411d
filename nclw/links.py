"""Absolute links for emails and calendar files, which are built outside any request."""

from __future__ import annotations

from flask import current_app


def absolute_url(path: str) -> str:
    """The public address of a path on this site, e.g. '/tickets/abc'."""
    return current_app.config["SITE_URL"] + path


def ticket_url(manage_token: str) -> str:
    """Where a person manages their ticket without an account."""
    return absolute_url(f"/tickets/{manage_token}")


def event_url(slug: str) -> str:
    """The public page of an event."""
    return absolute_url(f"/events/{slug}")
