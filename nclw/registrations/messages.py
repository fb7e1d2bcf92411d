"""The emails about a person's ticket; the outbox (nclw.mail) queues and sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from nclw.addresses import mask_email
from nclw.events.localised import local_text
from nclw.links import event_url
from nclw.mail import ical
from nclw.mail.outbox import ComposedEmail, compose_email
from nclw.registrations import slots
from nclw.registrations.booked_emails import for_the_booker
from nclw.registrations.discreet_emails import (
    DISCREET_OPENING as DISCREET_OPENING,
)
from nclw.registrations.discreet_emails import (
    discreet_subject,
    opened_discreetly,
)
from nclw.registrations.models import Registration
from nclw.registrations.placeholders import fill_placeholders
from nclw.registrations.queries import waiting_list_position
from nclw.registrations.rsvp import reply_address
from nclw.registrations.ticket_language import written_in_ticket_language
from nclw.registrations.ticket_links import has_door_code, new_ticket_url, ticket_check_in_link
from nclw.timezones import format_day, format_moment, format_when


def _title(registration: Registration) -> str:
    # The event's name in the language being written in (Welsh, where it has one).
    return local_text(registration.event, "title")


def _ticket_context(
    registration: Registration, ticket_url: str, times: tuple[datetime, datetime], **extra: Any
) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "when": format_when(*times),
        "ticket_url": ticket_url,
        # "I can't come any more", as reminders offer it: the ticket's own cancel page, marked
        # so that the report counts the places given back from reminders.
        "cannot_come_url": f"{ticket_url}/cancel?from=reminder",
        "event_url": event_url(event.slug),
        # Joining links go only to people holding a confirmed ticket.
        "joining_url": event.online_url
        if registration.is_confirmed and event.is_online and event.online_url
        else None,
        **extra,
    }


def _compose(
    kind: str,
    template: str,
    subject: str,
    registration: Registration,
    *,
    ical_method: str | None = None,
    with_door_code: bool = False,
    **extra: Any,
) -> ComposedEmail:
    # Each email has a ticket link of its own (see TicketLink); the invite carries the same.
    link = new_ticket_url(registration)
    discreet = registration.discreet
    # The ticket in the pocket: the QR code the door scans travels inside the email.
    door_code = with_door_code and has_door_code(registration)
    # The person's own slot where they hold one: asked once, for the words and the invite.
    times = slots.ticket_times(registration)
    email = compose_email(
        kind,
        registration.email,
        discreet_subject(kind, registration) if discreet else subject,
        f"mail/{template}",
        ical_body=(
            ical.ticket_invite(
                registration,
                method=ical_method,
                ticket_link=link,
                reply_address=reply_address(registration),
                times=times,
                title=_title(registration),
            )
            if ical_method
            else None
        ),
        ical_method=ical_method,
        sender_name=str(ical.DISCREET_SENDER) if discreet else None,
        qr_text=ticket_check_in_link(registration) if door_code else None,
        discreet=discreet,
        **_ticket_context(registration, link, times, **extra),
    )
    if registration.held_for_someone:
        email = for_the_booker(email, registration)
    return opened_discreetly(email) if discreet else email


def _named(registration: Registration) -> dict[str, str]:
    # What a subject names: the event and the ticket's reference.
    return {"title": _title(registration), "reference": registration.reference}


def _was_ever_confirmed(registration: Registration) -> bool:
    # Only someone who once held a ticket has an invite in their calendar to take back.
    return registration.is_confirmed or registration.confirmed_at is not None


@written_in_ticket_language
def ticket_confirmed(registration: Registration) -> ComposedEmail:
    """Your ticket is confirmed (with a calendar invite)."""
    return _compose(
        "ticket_confirmed",
        "ticket_confirmed",
        _("Your ticket: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="REQUEST",
        with_door_code=True,
    )


@written_in_ticket_language
def waiting_list_place(registration: Registration) -> ComposedEmail:
    """You are on the waiting list (no invite)."""
    return _compose(
        "waiting_list",
        "waiting_list",
        _("You are on the waiting list: %(title)s", title=_title(registration)),
        registration,
        position=waiting_list_position(registration),
        waiting_for=slots.slot_waited_for(registration),
    )


@written_in_ticket_language
def promoted_from_waiting_list(registration: Registration) -> ComposedEmail:
    """A place came up (with a calendar invite)."""
    return _compose(
        "promoted",
        "promoted",
        _("You have a place: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="REQUEST",
        with_door_code=True,
    )


@written_in_ticket_language
def place_offered(registration: Registration) -> ComposedEmail:
    """A place came up: claim it by the deadline, or say no thanks (no invite yet)."""
    deadline = format_moment(registration.offer_expires_at)
    return _compose(
        "place_offered",
        "place_offered",
        _(
            "Claim your place by %(deadline)s: %(title)s",
            deadline=deadline,
            title=_title(registration),
        ),
        registration,
        deadline=deadline,
    )


@written_in_ticket_language
def offer_declined(registration: Registration) -> ComposedEmail:
    """You said no thanks: the place has gone to the next person."""
    return _compose(
        "offer_declined",
        "offer_declined",
        _("You turned down a place: %(title)s (%(reference)s)", **_named(registration)),
        registration,
    )


@written_in_ticket_language
def offer_expired(registration: Registration) -> ComposedEmail:
    """The offer ran out unclaimed: the place has gone to the next person."""
    return _compose(
        "offer_expired",
        "offer_expired",
        _("Your offer of a place has ended: %(title)s", title=_title(registration)),
        registration,
        deadline=format_moment(registration.offer_expires_at),
    )


@written_in_ticket_language
def cancelled_by_attendee(registration: Registration) -> ComposedEmail:
    """Your ticket is cancelled (with a calendar cancellation if an invite was sent)."""
    return _compose(
        "cancelled_by_attendee",
        "cancelled_by_attendee",
        _("Cancelled: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="CANCEL" if _was_ever_confirmed(registration) else None,
    )


@written_in_ticket_language
def cancelled_in_calendar(registration: Registration) -> ComposedEmail:
    """You said no in your calendar, so your ticket is cancelled: short, with the way back."""
    return _compose(
        "cancelled_in_calendar",
        "cancelled_in_calendar",
        _("Cancelled: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="CANCEL",
    )


@written_in_ticket_language
def cancelled_by_organisers(
    registration: Registration, *, reason: str, cancelled_by: str
) -> ComposedEmail:
    """The organisers cancelled your ticket: who, why, and whom to ask."""
    return _compose(
        "cancelled_by_organisers",
        "cancelled_by_organisers",
        _("Your ticket is cancelled: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="CANCEL" if _was_ever_confirmed(registration) else None,
        reason=reason,
        cancelled_by=cancelled_by.strip(),
    )


@written_in_ticket_language
def ticket_resent(registration: Registration) -> ComposedEmail:
    """The ticket again, after someone signed up a second time with this address."""
    return _compose(
        "ticket_resent",
        "ticket_resent",
        _("Your ticket again: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
        with_door_code=True,
    )


@written_in_ticket_language
def address_changed_old(registration: Registration, *, old_address: str) -> ComposedEmail:
    """To the address a ticket had: it now goes to another one, shown masked. Nothing more.

    The usual reason to change an address is a typo, so the old one may be a stranger's: no
    name, no event, no link to the ticket, and the new address only masked.
    """
    kind, discreet = "address_changed_old", registration.discreet
    email = compose_email(
        kind,
        old_address,
        discreet_subject(kind, registration)
        if discreet
        else _(
            "The email address for a ticket has changed (%(reference)s)",
            reference=registration.reference,
        ),
        f"mail/{kind}",
        sender_name=str(ical.DISCREET_SENDER) if discreet else None,
        discreet=discreet,
        reference=registration.reference,
        masked_address=mask_email(registration.email),
    )
    return opened_discreetly(email) if discreet else email


@written_in_ticket_language
def address_changed_new(registration: Registration) -> ComposedEmail:
    """The ticket, at the address the organisers corrected it to (with the invite, if confirmed)."""
    return _compose(
        "address_changed_new",
        "address_changed_new",
        _("Your ticket: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
        with_door_code=True,
    )


@written_in_ticket_language
def event_changed(registration: Registration) -> ComposedEmail:
    """The event's time or place changed: an updated invite, or a notice for people waiting."""
    return _compose(
        "event_changed",
        "event_changed",
        _("Changed: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
    )


@written_in_ticket_language
def event_cancelled(registration: Registration, reason: str) -> ComposedEmail:
    """The organisers cancelled the event: the reason, and a calendar cancellation."""
    return _compose(
        "event_cancelled",
        "event_cancelled",
        _("Event cancelled: %(title)s (%(reference)s)", **_named(registration)),
        registration,
        ical_method="CANCEL" if _was_ever_confirmed(registration) else None,
        reason=(reason or "").strip(),
    )


def _paragraphs(body: str) -> Markup:
    # Organisers type plain text: escape it, then keep their paragraphs and line breaks.
    blocks = [block.strip() for block in body.replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
        if block
    )


@written_in_ticket_language
def attendee_message(registration: Registration, subject: str, body: str) -> ComposedEmail:
    """A message from the event's organisers to the people signed up, with its placeholders
    ({first_name} and the like) filled in for this person."""
    subject = fill_placeholders(subject, registration)
    body = fill_placeholders(body, registration)
    return _compose(
        "attendee_message",
        "attendee_message",
        subject,
        registration,
        body=body.replace("\r\n", "\n"),
        body_html=_paragraphs(body),
        message_subject=subject,
    )


def _require_confirmed(registration: Registration) -> None:
    if not registration.is_confirmed:
        raise ValueError("Reminders go only to people with a confirmed ticket.")


@written_in_ticket_language
def reminder_day_before(registration: Registration) -> ComposedEmail:
    """See you tomorrow: first 'I can't come any more', then the when, where and joining link
    (confirmed tickets only)."""
    _require_confirmed(registration)
    return _compose(
        "reminder_day_before",
        "reminder_day_before",
        _(
            "Reminder: %(title)s, %(day)s",
            title=_title(registration),
            day=format_day(slots.ticket_times(registration)[0]),
        ),
        registration,
    )


@written_in_ticket_language
def reminder_hour_before(registration: Registration) -> ComposedEmail:
    """Starting in an hour, with the joining link (online and hybrid events, confirmed only)."""
    _require_confirmed(registration)
    if not registration.event.is_online:
        raise ValueError("The hour-before reminder is only for online and hybrid events.")
    return _compose(
        "reminder_hour_before",
        "reminder_hour_before",
        _("Starting soon: %(title)s (%(reference)s)", **_named(registration)),
        registration,
    )
