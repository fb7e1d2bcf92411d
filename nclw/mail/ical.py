"""Calendar files (RFC 5545): pure functions from events and tickets to iCalendar text."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from nclw.events.models import Event
from nclw.links import event_url

PRODUCT_ID = "-//NCLW Events//nclw-events.org.uk//EN"


def _place(event: Event) -> str:
    if event.is_in_person:
        return ", ".join(part for part in (event.venue_name, event.address) if part)
    return "Online"


def public_calendar(events: list[Event], *, now: datetime | None = None) -> bytes:
    """A published calendar (METHOD:PUBLISH) with no private joining links."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "National Care Leavers' Week")
    stamp = now or datetime.now(UTC)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@nclw-events.org.uk")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        entry.add("description", f"{event.summary}\n\n{event_url(event.slug)}")
        entry.add("location", _place(event))
        entry.add("url", event_url(event.slug))
        entry.add("sequence", event.sequence)
        if event.status.value == "cancelled":
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar.to_ical()


def web_calendar_links(event: Event) -> dict[str, str]:
    """'Add to Google Calendar' and 'Add to Outlook' links for an event."""
    fmt = "%Y%m%dT%H%M%SZ"
    start = event.starts_at.astimezone(UTC)
    end = event.ends_at.astimezone(UTC)
    details = f"{event.summary}\n{event_url(event.slug)}"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{start.strftime(fmt)}/{end.strftime(fmt)}",
            "details": details,
            "location": _place(event),
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "enddt": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": details,
            "location": _place(event),
        }
    )
    return {"google": google, "outlook": outlook}


def ticket_uid(registration) -> str:
    """One UID per ticket, stable for its whole life, so updates replace the first invite."""
    return f"ticket-{registration.id}-{registration.reference}@nclw-events.org.uk"


def ticket_invite(registration, *, method: str = "REQUEST", now: datetime | None = None) -> str:
    """An invite (REQUEST) or a cancellation (CANCEL) for one person's ticket."""
    from flask import current_app
    from icalendar import vCalAddress

    from nclw.links import ticket_url

    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", ticket_uid(registration))
    entry.add("dtstamp", now or datetime.now(UTC))
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("sequence", event.sequence + registration.calendar_sequence)
    neutral = "Online session" if event.is_online else "Event"
    entry.add("summary", neutral if registration.neutral_calendar_title else event.title)
    link = ticket_url(registration.manage_token)
    description = f"Your ticket: {registration.reference}\nManage or cancel: {link}"
    location = _place(event)
    if event.is_online and event.online_url and method == "REQUEST":
        description += f"\nJoin online: {event.online_url}"
        if not event.is_in_person:
            location = event.online_url
        entry.add("url", event.online_url)
    entry.add("description", description)
    entry.add("location", location)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = "NCLW Events"
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = registration.first_name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "ACCEPTED"
    entry.add("attendee", attendee)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical().decode()


def ticket_calendar(registration) -> bytes:
    """The invite a person downloads from their ticket page."""
    return ticket_invite(registration, method="REQUEST").encode()
