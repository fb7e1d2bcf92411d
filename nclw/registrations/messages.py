"""The emails about a person's ticket; the outbox (nclw.mail) queues and sends them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from markupsafe import Markup, escape

from nclw.addresses import mask_email
from nclw.events.localised import local_text
from nclw.links import event_url
from nclw.mail import ical
from nclw.mail.outbox import ComposedEmail, compose_email
from nclw.registrations import slots
from nclw.registrations.booked_emails import for_the_booker
from nclw.registrations.models import Registration
from nclw.registrations.placeholders import fill_placeholders
from nclw.registrations.queries import waiting_list_position
from nclw.registrations.rsvp import reply_address
from nclw.registrations.ticket_links import has_door_code, new_ticket_url, ticket_check_in_link
from nclw.timezones import format_day, format_moment, format_when


def _title(registration: Registration) -> str:
    # The event's name in the language being written in (Welsh, where it has one).
    return local_text(registration.event, "title")


def _ticket_context(registration: Registration, ticket_url: str, **extra: Any) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "when": format_when(*slots.ticket_times(registration)),
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
    email = compose_email(
        kind,
        registration.email,
        _discreet_subject(kind, registration) if discreet else subject,
        f"mail/{template}",
        ical_body=(
            ical.ticket_invite(
                registration,
                method=ical_method,
                ticket_link=link,
                reply_address=reply_address(registration),
                times=slots.ticket_times(registration),
                title=_title(registration),
            )
            if ical_method
            else None
        ),
        ical_method=ical_method,
        sender_name=ical.DISCREET_SENDER if discreet else None,
        qr_text=ticket_check_in_link(registration) if door_code else None,
        discreet=discreet,
        **_ticket_context(registration, link, **extra),
    )
    if registration.held_for_someone:
        email = for_the_booker(email, registration)
    return _opened_discreetly(email) if discreet else email


def _opened_discreetly(email: ComposedEmail) -> ComposedEmail:
    # What a lock screen shows is the subject and the first line: both say nothing more.
    return replace(email, text_body=f"{DISCREET_OPENING}\n\n{email.text_body}")


# A discreet email's subject, by kind: no event name, nothing about care.
DISCREET_SUBJECTS = {
    "ticket_confirmed": "Your booking is confirmed",
    "waiting_list": "You are on a waiting list",
    "promoted": "A place is yours",
    "place_offered": "A place is free for you to claim",
    "offer_declined": "You turned down a place",
    "offer_expired": "Your offer of a place has ended",
    "cancelled_by_attendee": "Your booking is cancelled",
    "cancelled_by_organisers": "Your booking is cancelled",
    "cancelled_in_calendar": "Your booking is cancelled",
    "ticket_resent": "Your booking",
    "event_changed": "Your booking has changed",
    "event_cancelled": "Your booking is cancelled",
    "attendee_message": "A message about your booking",
    "reminder_day_before": "Reminder: your booking tomorrow",
    "reminder_hour_before": "Reminder: your booking soon",
    "address_changed_old": "The email address for a booking has changed",
    "address_changed_new": "Your booking",
    "feedback_survey": "A few questions about your booking",
}
DISCREET_OPENING = "This is about your booking. The details are below."


def _discreet_subject(kind: str, registration: Registration) -> str:
    return f"{DISCREET_SUBJECTS.get(kind, 'About your booking')} ({registration.reference})"


def _was_ever_confirmed(registration: Registration) -> bool:
    # Only someone who once held a ticket has an invite in their calendar to take back.
    return registration.is_confirmed or registration.confirmed_at is not None


def ticket_confirmed(registration: Registration) -> ComposedEmail:
    """Your ticket is confirmed (with a calendar invite)."""
    return _compose(
        "ticket_confirmed",
        "ticket_confirmed",
        f"Your ticket: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="REQUEST",
        with_door_code=True,
    )


def waiting_list_place(registration: Registration) -> ComposedEmail:
    """You are on the waiting list (no invite)."""
    return _compose(
        "waiting_list",
        "waiting_list",
        f"You are on the waiting list: {_title(registration)}",
        registration,
        position=waiting_list_position(registration),
        waiting_for=slots.slot_waited_for(registration),
    )


def promoted_from_waiting_list(registration: Registration) -> ComposedEmail:
    """A place came up (with a calendar invite)."""
    return _compose(
        "promoted",
        "promoted",
        f"You have a place: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="REQUEST",
        with_door_code=True,
    )


def place_offered(registration: Registration) -> ComposedEmail:
    """A place came up: claim it by the deadline, or say no thanks (no invite yet)."""
    deadline = format_moment(registration.offer_expires_at)
    return _compose(
        "place_offered",
        "place_offered",
        f"Claim your place by {deadline}: {_title(registration)}",
        registration,
        deadline=deadline,
    )


def offer_declined(registration: Registration) -> ComposedEmail:
    """You said no thanks: the place has gone to the next person."""
    return _compose(
        "offer_declined",
        "offer_declined",
        f"You turned down a place: {_title(registration)} ({registration.reference})",
        registration,
    )


def offer_expired(registration: Registration) -> ComposedEmail:
    """The offer ran out unclaimed: the place has gone to the next person."""
    return _compose(
        "offer_expired",
        "offer_expired",
        f"Your offer of a place has ended: {_title(registration)}",
        registration,
        deadline=format_moment(registration.offer_expires_at),
    )


def cancelled_by_attendee(registration: Registration) -> ComposedEmail:
    """Your ticket is cancelled (with a calendar cancellation if an invite was sent)."""
    return _compose(
        "cancelled_by_attendee",
        "cancelled_by_attendee",
        f"Cancelled: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="CANCEL" if _was_ever_confirmed(registration) else None,
    )


def cancelled_in_calendar(registration: Registration) -> ComposedEmail:
    """You said no in your calendar, so your ticket is cancelled: short, with the way back."""
    return _compose(
        "cancelled_in_calendar",
        "cancelled_in_calendar",
        f"Cancelled: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="CANCEL",
    )


def cancelled_by_organisers(
    registration: Registration, *, reason: str, cancelled_by: str
) -> ComposedEmail:
    """The organisers cancelled your ticket: who, why, and whom to ask."""
    return _compose(
        "cancelled_by_organisers",
        "cancelled_by_organisers",
        f"Your ticket is cancelled: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="CANCEL" if _was_ever_confirmed(registration) else None,
        reason=reason,
        cancelled_by=cancelled_by.strip(),
    )


def ticket_resent(registration: Registration) -> ComposedEmail:
    """The ticket again, after someone signed up a second time with this address."""
    return _compose(
        "ticket_resent",
        "ticket_resent",
        f"Your ticket again: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
        with_door_code=True,
    )


def address_changed_old(registration: Registration, *, old_address: str) -> ComposedEmail:
    """To the address a ticket had: it now goes to another one, shown masked. Nothing more.

    The usual reason to change an address is a typo, so the old one may be a stranger's: no
    name, no event, no link to the ticket, and the new address only masked.
    """
    kind, discreet = "address_changed_old", registration.discreet
    email = compose_email(
        kind,
        old_address,
        _discreet_subject(kind, registration)
        if discreet
        else f"The email address for a ticket has changed ({registration.reference})",
        f"mail/{kind}",
        sender_name=ical.DISCREET_SENDER if discreet else None,
        discreet=discreet,
        reference=registration.reference,
        masked_address=mask_email(registration.email),
    )
    return _opened_discreetly(email) if discreet else email


def address_changed_new(registration: Registration) -> ComposedEmail:
    """The ticket, at the address the organisers corrected it to (with the invite, if confirmed)."""
    return _compose(
        "address_changed_new",
        "address_changed_new",
        f"Your ticket: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
        with_door_code=True,
    )


def event_changed(registration: Registration) -> ComposedEmail:
    """The event's time or place changed: an updated invite, or a notice for people waiting."""
    return _compose(
        "event_changed",
        "event_changed",
        f"Changed: {_title(registration)} ({registration.reference})",
        registration,
        ical_method="REQUEST" if registration.is_confirmed else None,
    )


def event_cancelled(registration: Registration, reason: str) -> ComposedEmail:
    """The organisers cancelled the event: the reason, and a calendar cancellation."""
    return _compose(
        "event_cancelled",
        "event_cancelled",
        f"Event cancelled: {_title(registration)} ({registration.reference})",
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


def reminder_day_before(registration: Registration) -> ComposedEmail:
    """See you tomorrow: first 'I can't come any more', then the when, where and joining link
    (confirmed tickets only)."""
    _require_confirmed(registration)
    return _compose(
        "reminder_day_before",
        "reminder_day_before",
        f"Reminder: {_title(registration)}, {format_day(slots.ticket_times(registration)[0])}",
        registration,
    )


def reminder_hour_before(registration: Registration) -> ComposedEmail:
    """Starting in an hour, with the joining link (online and hybrid events, confirmed only)."""
    _require_confirmed(registration)
    if not registration.event.is_online:
        raise ValueError("The hour-before reminder is only for online and hybrid events.")
    return _compose(
        "reminder_hour_before",
        "reminder_hour_before",
        f"Starting soon: {_title(registration)} ({registration.reference})",
        registration,
    )
