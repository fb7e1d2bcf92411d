"""Answers to our invites from people's calendars (iTIP REPLY, RFC 5546).

A "no" in a calendar gives the place back, as the ticket page would. A reply is acted on
only when it reached the ticket's own reply address (registrations.rsvp) and names the UID
of that ticket's invite: a reply that gets either wrong changes nothing. A "yes" or "maybe"
is only recorded.

Mail from the internet is anything at all: nothing here raises on junk, and nothing logged
says who anyone is.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from icalendar import Calendar

from nclw.errors import NotAllowed
from nclw.extensions import db
from nclw.mail.ical import ticket_uid
from nclw.mail.receiver import start_receiver
from nclw.registrations import messages
from nclw.registrations.models import CalendarAnswer, Registration, ReleaseRoute
from nclw.registrations.rsvp import code_in_address, rsvp_domain
from nclw.registrations.services import cancel_registration
from nclw.timezones import utcnow

log = logging.getLogger(__name__)

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})
# A reply has one calendar part, or two (Thunderbird adds the same as an attachment).
MAX_PARTS = 50
MAX_CALENDAR_BYTES = 256 * 1024


class ReplyOutcome(enum.StrEnum):
    """What became of one reply: logged, and counted by the tests."""

    RELEASED = "released"
    RECORDED = "recorded"
    IGNORED = "ignored"


@dataclass(frozen=True)
class CalendarReply:
    """One answer found in a message: the invite's UID and the attendee's PARTSTAT."""

    uid: str
    partstat: str


def _calendar_parts(message: Message) -> Iterable[bytes]:
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            return
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith(".ics"):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and 0 < len(payload) <= MAX_CALENDAR_BYTES:
            yield payload


def _answers_in(calendar_text: bytes) -> list[CalendarReply]:
    calendar = Calendar.from_ical(calendar_text)
    if str(calendar.get("method", "")).strip().upper() != "REPLY":
        return []
    answers = []
    for entry in calendar.walk("VEVENT"):
        attendees = entry.get("attendee")
        if attendees is None:
            continue
        if not isinstance(attendees, list):
            attendees = [attendees]
        uid = str(entry.get("uid", "")).strip()
        for attendee in attendees:
            partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).strip().upper()
            if uid and partstat:
                answers.append(CalendarReply(uid=uid, partstat=partstat))
    return answers


def calendar_replies_in(raw_message: bytes) -> list[CalendarReply]:
    """Every iTIP REPLY answer in a message's calendar parts; none for anything else."""
    try:
        message = message_from_bytes(raw_message, policy=policy.compat32)
        parts = list(_calendar_parts(message))
    except Exception:  # a message we cannot read is no reply
        log.info("Calendar reply: a message could not be read")
        return []
    answers: list[CalendarReply] = []
    for part in parts:
        try:
            found = _answers_in(part)
        except Exception:  # broken calendar text is no reply either
            log.info("Calendar reply: a calendar part could not be read")
            continue
        answers += [answer for answer in found if answer not in answers]
    return answers


_ANSWERS = {
    "ACCEPTED": CalendarAnswer.ACCEPTED,
    "TENTATIVE": CalendarAnswer.TENTATIVE,
    "DECLINED": CalendarAnswer.DECLINED,
}


def _ticket_for(recipient: str) -> Registration | None:
    domain = rsvp_domain()
    code = code_in_address(recipient, domain) if domain else None
    if code is None:
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.rsvp_code == code))


def act_on_reply(recipient: str, raw_message: bytes, *, now: datetime) -> ReplyOutcome:
    """Act on a calendar's answer sent to `recipient`, one ticket's reply address.

    Only an answer for that ticket's own invite counts. "Declined" gives back a held place
    (the waiting list is served, the person gets a short email) while the event is still to
    come; "accepted" and "tentative" are recorded and change nothing else.
    """
    registration = _ticket_for(recipient)
    if registration is None:
        return ReplyOutcome.IGNORED
    uid = ticket_uid(registration)
    answers = [
        _ANSWERS[reply.partstat]
        for reply in calendar_replies_in(raw_message)
        if reply.uid == uid and reply.partstat in _ANSWERS
    ]
    if not answers:
        return ReplyOutcome.IGNORED
    # A message that says both (an odd client) is taken at its firmest: a "no" is acted on.
    answer = CalendarAnswer.DECLINED if CalendarAnswer.DECLINED in answers else answers[-1]
    registration.calendar_answer = answer
    registration.calendar_answered_at = now
    if (
        answer != CalendarAnswer.DECLINED
        or not registration.is_confirmed
        or registration.event.starts_at <= now
    ):
        return ReplyOutcome.RECORDED
    try:
        cancel_registration(
            registration,
            now=now,
            email=messages.cancelled_in_calendar,
            via=ReleaseRoute.CALENDAR_REPLY,
        )
    except NotAllowed:
        return ReplyOutcome.RECORDED  # cancelled a moment ago some other way
    return ReplyOutcome.RELEASED


def receive_replies(
    recipients: Iterable[str], raw_message: bytes, *, now: datetime
) -> list[ReplyOutcome]:
    """Act on one received message for each of its reply addresses, committing each."""
    outcomes = []
    for recipient in recipients:
        try:
            outcome = act_on_reply(recipient, raw_message, now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        log.info("Calendar reply: %s", outcome.value)
        outcomes.append(outcome)
    return outcomes


def is_reply_address(address: str) -> bool:
    """The address has the shape of a ticket's reply address (whether or not the code is real).

    The mail server is told no more than this, so nobody can find out which codes exist.
    """
    domain = rsvp_domain()
    return domain is not None and code_in_address(address, domain) is not None


def start_reply_receiver(app: Flask, *, host: str, port: int, lmtp: bool = False) -> Controller:
    """Listen for calendar replies on host:port (SMTP, or LMTP), each handled in `app`."""

    def accepts(address: str) -> bool:
        with app.app_context():
            return is_reply_address(address)

    def deliver(recipients, raw_message: bytes) -> list[ReplyOutcome]:
        with app.app_context():
            try:
                return receive_replies(recipients, raw_message, now=utcnow())
            finally:
                db.session.remove()

    return start_receiver(accepts, deliver, host=host, port=port, lmtp=lmtp)
