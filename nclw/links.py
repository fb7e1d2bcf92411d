"""Absolute links for emails and calendar files, which are built outside any request."""

from __future__ import annotations

from flask import current_app

from nclw.i18n import address_prefix, current_language


def absolute_url(path: str) -> str:
    """The public address of a path on this site, in the language being written in.

    '/tickets/abc' in a Welsh email is SITE_URL/cy/tickets/abc; in English it has no
    prefix, so links sent before there were languages keep working as they did.
    """
    return site_address(address_prefix(current_language()) + path)


def site_address(path: str) -> str:
    """The address of a path in no particular language: for links that must never change
    with the reader's language, like the door's check-in link in a ticket's QR code."""
    return current_app.config["SITE_URL"] + path


def ticket_url(manage_token: str) -> str:
    """Where a person manages their ticket without an account."""
    return absolute_url(f"/tickets/{manage_token}")


def event_url(slug: str) -> str:
    """The public page of an event."""
    return absolute_url(f"/events/{slug}")
