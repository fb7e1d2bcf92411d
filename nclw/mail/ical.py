"""Calendar files (RFC 5545): pure functions from events and tickets to iCalendar text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, vCalAddress, vDuration
from icalendar import Event as CalendarEvent

from nclw.links import event_url


class Event(Protocol):
    """What the calendar writer reads from an event (nclw.events.models.Event has all of it).

    Described here rather than imported: the calendar writer sits below the events.
    """

    id: int
    slug: str
    title: str
    summary: str
    status: Any
    starts_at: datetime
    ends_at: datetime
    venue_name: str | None
    address: str | None
    online_url: str | None
    sequence: int
    updated_at: datetime

    @property
    def is_in_person(self) -> bool: ...

    @property
    def is_online(self) -> bool: ...


PRODUCT_ID = "-//NCLW Events//nclw-events.org.uk//EN"
# Shown instead of the event's name when a person asks for a neutral calendar title.
NEUTRAL_ONLINE_TITLE = _l("Online session")
NEUTRAL_TITLE = _l("Appointment")
# Who a discreet email and calendar entry are from: nothing about care or the week.
DISCREET_SENDER = _l("Bookings")


def _place(event: Event) -> str:
    if event.is_in_person:
        return ", ".join(part for part in (event.venue_name, event.address) if part)
    return _("Online")


def _one_line(link: str | None) -> str | None:
    # A link saved before links were checked may hold a line break, which a calendar cannot
    # carry: the invite goes without it (the email still gives it) rather than not at all.
    if link and ("\r" in link or "\n" in link):
        return None
    return link


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _entry(
    event: Event,
    *,
    uid: str,
    sequence: int,
    stamp: datetime,
    times: tuple[datetime, datetime] | None = None,
) -> CalendarEvent:
    """The part every calendar entry shares: identity, version and the instant it happens.

    Times are written in UTC ("Z"), which every calendar program reads as the same instant
    and shows on its own clock, including in the week the UK clocks change. `times` are a
    ticket's own start and end (its time slot's), when they are not the event's.
    """
    starts_at, ends_at = times or (event.starts_at, event.ends_at)
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", starts_at.astimezone(UTC))
    entry.add("dtend", ends_at.astimezone(UTC))
    entry.add("sequence", sequence)
    return entry


WEEK_NAME = _l("National Care Leavers' Week")
# How often a subscribed calendar should fetch the feed again (RFC 7986, and Outlook's own).
FEED_REFRESH = timedelta(hours=1)


def public_calendar(
    events: list[Event], *, now: datetime | None = None, name: str = WEEK_NAME
) -> bytes:
    """A published calendar (METHOD:PUBLISH) with no private joining links."""
    return _published(events, now=now, name=name).to_ical()


def _published(events: list[Event], *, now: datetime | None, name: str) -> Calendar:
    # Each event keeps its UID for ever and raises its SEQUENCE when it moves or is cancelled,
    # so a calendar that has it already updates the entry rather than adding another.
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", str(name))
    stamp = now or datetime.now(UTC)
    for event in events:
        entry = _entry(
            event, uid=f"event-{event.id}@nclw-events.org.uk", sequence=event.sequence, stamp=stamp
        )
        entry.add("last-modified", event.updated_at.astimezone(UTC))
        entry.add("summary", event.title)
        entry.add("description", f"{event.summary}\n\n{event_url(event.slug)}")
        entry.add("location", _place(event))
        entry.add("url", event_url(event.slug))
        if event.status.value == "cancelled":
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar


def subscription_calendar(events: list[Event], *, name: str, now: datetime | None = None) -> bytes:
    """A feed to subscribe to: the published calendar, asking to be fetched again hourly."""
    calendar = _published(events, now=now, name=name)
    calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    return calendar.to_ical()


def subscription_links(feed_url: str) -> dict[str, str]:
    """Links that subscribe to a feed at `feed_url` (http or https), rather than copy it once:
    `webcal` opens the calendar program (Apple, Outlook), `google` Google Calendar."""
    webcal = "webcal://" + feed_url.split("://", 1)[-1]
    return {
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
    }


def web_calendar_links(
    event: Event, *, title: str | None = None, details: str | None = None
) -> dict[str, str]:
    """'Add to Google Calendar' and 'Add to Outlook' links for an event, in UTC.

    They go to another company's site, and sit in its history: never put a joining link or
    a ticket's link in `details`.
    """
    fmt = "%Y%m%dT%H%M%SZ"
    start = event.starts_at.astimezone(UTC)
    end = event.ends_at.astimezone(UTC)
    title = title or event.title
    if details is None:
        details = f"{event.summary}\n{event_url(event.slug)}"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{start.strftime(fmt)}/{end.strftime(fmt)}",
            "details": details,
            "location": _place(event),
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
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


def ticket_invite(
    registration,
    *,
    ticket_link: str,
    method: str = "REQUEST",
    now: datetime | None = None,
    reply_address: str | None = None,
    times: tuple[datetime, datetime] | None = None,
    title: str | None = None,
) -> str:
    """An invite (REQUEST) or a cancellation (CANCEL) for one person's ticket.

    `ticket_link` is the address of their ticket page, as the email around it gives it.
    `reply_address`, when given, is the organiser's address: where the person's calendar
    sends their answer (see registrations.calendar_replies). Otherwise it is our sender's.
    `times` are the ticket's own, when it holds a time slot (registrations.slots). `title`
    is the event's name in the ticket's language, when it is not the event's own.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unsupported iTIP method {method!r}")
    event = registration.event
    calendar = _calendar(method)
    # Event-wide changes raise Event.sequence; this ticket's own changes raise its own counter.
    entry = _entry(
        event,
        uid=ticket_uid(registration),
        sequence=event.sequence + registration.calendar_sequence,
        stamp=now or datetime.now(UTC),
        times=times,
    )
    neutral = NEUTRAL_ONLINE_TITLE if event.is_online else NEUTRAL_TITLE
    entry.add("summary", str(neutral) if registration.discreet else (title or event.title))
    if registration.discreet and event.is_in_person:
        # The address gets them there; a venue's name ("Leaving Care Hub") may say too much.
        location = event.address or NEUTRAL_TITLE
    else:
        location = _place(event)
    lines = [
        _("Your ticket: %(reference)s", reference=registration.reference),
        _("Manage or cancel: %(link)s", link=ticket_link),
    ]
    # A supporter on the ticket (registrations.supporters) is named by first name only.
    supporter = getattr(registration, "supporter", None)
    if supporter is not None and supporter.first_name:
        lines.append(_("Coming with you: %(name)s", name=_one_line(supporter.first_name)))
    joining = _one_line(event.online_url)
    # Joining links go only to people holding a confirmed ticket.
    if event.is_online and joining and method == "REQUEST" and registration.is_confirmed:
        lines.append(_("Join online: %(link)s", link=joining))
        if not event.is_in_person:
            location = joining
        entry.add("url", joining)
    entry.add("description", "\n".join(lines))
    entry.add("location", location)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = reply_address or sender.rsplit("<", 1)[-1].rstrip(">").strip()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = str(DISCREET_SENDER) if registration.discreet else "NCLW Events"
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    # A parameter value cannot span lines or hold quotes: keep the name on one clean line.
    attendee.params["cn"] = " ".join(registration.first_name.replace('"', "").split())
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "ACCEPTED"
    entry.add("attendee", attendee)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical().decode()


def ticket_calendar(
    registration,
    *,
    ticket_link: str,
    reply_address: str | None = None,
    times: tuple[datetime, datetime] | None = None,
    title: str | None = None,
) -> bytes:
    """The invite a person downloads from their ticket page (reached by `ticket_link`)."""
    return ticket_invite(
        registration,
        ticket_link=ticket_link,
        method="REQUEST",
        reply_address=reply_address,
        times=times,
        title=title,
    ).encode()
