"""Calendar replies as people's calendars send them, for the calendar-reply tests.

Two writers: Thunderbird's (its REPLY written by Mozilla's ical.js, in the e-mail Thunderbird
wraps it in), and a plain `icalendar` client's.
"""

from __future__ import annotations

import shutil
import subprocess
from email import policy
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path

from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from nclw.mail import ical
from nclw.registrations.models import Registration
from nclw.registrations.rsvp import reply_address
from tests.support.ci import unavailable

SUPPORT = Path(__file__).parent
REPLY_SCRIPT = SUPPORT / "ical_reply.cjs"
ICAL_JS = SUPPORT / "node_modules" / "ical.js"
THUNDERBIRD_PRODID = "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN"


def invite_for(registration: Registration) -> str:
    """The invite the person's email carried."""
    return ical.ticket_invite(
        registration,
        ticket_link="http://nclw.test/tickets/x",
        reply_address=reply_address(registration),
    )


def thunderbird_reply_calendar(invite: str, partstat: str) -> str:
    """Thunderbird's answer to `invite`: ical.js reads the invite and writes the REPLY."""
    if shutil.which("node") is None or not ICAL_JS.exists():
        unavailable("node and ical.js are needed: run tests/support/install-node-deps.sh")
    done = subprocess.run(
        ["node", str(REPLY_SCRIPT), partstat],
        input=invite,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert THUNDERBIRD_PRODID in done.stdout and "METHOD:REPLY" in done.stdout
    return done.stdout


def thunderbird_email(calendar_text: str, *, to: str, sender: str, name: str = "Sam") -> bytes:
    """The email Thunderbird sends with a REPLY: words, the calendar inline, and invite.ics."""
    words = {"DECLINED": "declined", "ACCEPTED": "accepted", "TENTATIVE": "tentatively accepted"}
    answer = next((word for key, word in words.items() if key in calendar_text), "answered")
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(f"{name} <{sender}> has {answer} your event invitation.", "plain"))
    inline = MIMEText(calendar_text, "calendar", "utf-8")
    inline.set_param("method", "REPLY")
    alternative.attach(inline)
    message = MIMEMultipart("mixed")
    message.attach(alternative)
    attached = MIMEApplication(calendar_text.encode(), "ics", name="invite.ics")
    attached.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(attached)
    message["From"] = f"{name} <{sender}>"
    message["To"] = to
    message["Subject"] = f"Invitation {answer.capitalize()}: Event"
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid()
    message["User-Agent"] = "Mozilla Thunderbird"
    return message.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))


def icalendar_reply_calendar(uid: str, attendee: str, partstat: str) -> bytes:
    """A REPLY as a plain `icalendar` client builds it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Example client//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    entry = CalendarEvent()
    entry.add("uid", uid)
    address = vCalAddress(f"mailto:{attendee}")
    address.params["partstat"] = partstat
    entry.add("attendee", address)
    calendar.add_component(entry)
    return calendar.to_ical()


def icalendar_email(calendar_bytes: bytes, *, to: str, sender: str) -> bytes:
    """The reply in a plain email, its calendar as an attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Declined"
    message.set_content("Sorry, I cannot come.")
    message.add_attachment(
        calendar_bytes,
        maintype="text",
        subtype="calendar",
        filename="reply.ics",
        params={"method": "REPLY"},
    )
    return message.as_bytes(policy=policy.SMTP)
