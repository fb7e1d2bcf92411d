"""Composing the emails people receive; queueing and sending live elsewhere."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from nclw.links import event_url, ticket_url
from nclw.mail.outbox import ComposedEmail
from nclw.registrations.models import Registration
from nclw.timezones import format_when


def _render(template: str, **context: Any) -> tuple[str, str]:
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    return text, html


def _ticket_context(registration: Registration, **extra: Any) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "when": format_when(event.starts_at, event.ends_at),
        "ticket_url": ticket_url(registration.manage_token),
        "event_url": event_url(event.slug),
        "contact_email": current_app.config["CONTACT_EMAIL"],
        "site_name": current_app.config["SITE_NAME"],
        **extra,
    }


def _compose(
    kind: str, template: str, subject: str, registration: Registration, **extra: Any
) -> ComposedEmail:
    text, html = _render(template, **_ticket_context(registration, **extra))
    return ComposedEmail(
        kind=kind,
        to_address=registration.email,
        subject=subject,
        text_body=text,
        html_body=html,
    )


def ticket_confirmed(registration: Registration) -> ComposedEmail:
    """Your ticket is confirmed (with a calendar invite)."""
    return _compose(
        "ticket_confirmed",
        "ticket_confirmed",
        f"Your ticket: {registration.event.title} ({registration.reference})",
        registration,
    )


def waiting_list_place(registration: Registration) -> ComposedEmail:
    """You are on the waiting list (no invite)."""
    from nclw.registrations.services import waiting_list_position

    return _compose(
        "waiting_list",
        "waiting_list",
        f"You are on the waiting list: {registration.event.title}",
        registration,
        position=waiting_list_position(registration),
    )


def promoted_from_waiting_list(registration: Registration) -> ComposedEmail:
    """A place came up (with a calendar invite)."""
    return _compose(
        "promoted",
        "promoted",
        f"You have a place: {registration.event.title} ({registration.reference})",
        registration,
    )


def cancelled_by_attendee(registration: Registration) -> ComposedEmail:
    """Your ticket is cancelled (with a calendar cancellation)."""
    return _compose(
        "cancelled_by_attendee",
        "cancelled_by_attendee",
        f"Cancelled: {registration.event.title} ({registration.reference})",
        registration,
    )


def ticket_resent(registration: Registration) -> ComposedEmail:
    """The ticket again, after someone signed up a second time with this address."""
    return _compose(
        "ticket_resent",
        "ticket_resent",
        f"Your ticket again: {registration.event.title} ({registration.reference})",
        registration,
    )
