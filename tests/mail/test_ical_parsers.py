"""Invites read by two independent parsers: Mozilla's ical.js (Thunderbird) and vobject.

Each must read the same instant as the event, in British Summer Time, in GMT, and across the
night the clocks go back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import vobject

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.links import ticket_url
from nclw.mail import ical
from nclw.registrations import messages
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import uk_datetime
from tests.factories import make_event, make_registration
from tests.support.ci import unavailable
from tests.support.tickets import ticket_token_in

ICAL_JS_SCRIPT = Path(__file__).with_name("ical_parse.cjs")
ICAL_JS_PACKAGE = Path(__file__).parent.parent / "support" / "node_modules" / "ical.js"

CASES = {
    # Tuesday 20 October 2026, 4pm to 5:30pm BST (UTC+1).
    "bst": (uk_datetime(date(2026, 10, 20), 16), uk_datetime(date(2026, 10, 20), 17, 30)),
    # Monday 2 November 2026, 4pm to 5:30pm GMT.
    "gmt": (uk_datetime(date(2026, 11, 2), 16), uk_datetime(date(2026, 11, 2), 17, 30)),
    # Sunday 25 October 2026: 00:30 BST to 02:30 GMT is three hours, not two.
    "clocks_change": (
        uk_datetime(date(2026, 10, 25), 0, 30),
        uk_datetime(date(2026, 10, 25), 2, 30),
    ),
}


def ical_js(text: str) -> dict:
    """What ical.js makes of a calendar."""
    if shutil.which("node") is None or not ICAL_JS_PACKAGE.exists():
        unavailable("node and ical.js are needed: run tests/support/install-node-deps.sh")
    result = subprocess.run(
        ["node", str(ICAL_JS_SCRIPT)],
        input=text,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(result.stdout)


def vobject_event(text: str):
    calendar = vobject.readOne(text)
    return calendar.method.value, calendar.vevent


@pytest.mark.parametrize("case", sorted(CASES))
def test_both_parsers_read_the_invite_as_the_same_instant(app, case):
    starts_at, ends_at = CASES[case]
    event = make_event(starts_at=starts_at, ends_at=ends_at, title="Care leavers careers fair")
    person = make_registration(event, email="sam@example.com")

    email = messages.ticket_confirmed(person)
    text = email.ical_body

    parsed = ical_js(text)
    assert parsed["method"] == "REQUEST"
    [entry] = parsed["events"]
    assert entry["start"] == starts_at.timestamp()
    assert entry["end"] == ends_at.timestamp()
    assert entry["uid"] == ical.ticket_uid(person)
    assert entry["summary"] == "Care leavers careers fair"
    assert entry["attendee"] == "mailto:sam@example.com"
    assert entry["organizer"] == "mailto:tickets@nclw-events.org.uk"
    # The invite carries the same ticket link as the email around it.
    assert f"/tickets/{ticket_token_in(email.text_body)}" in entry["description"]
    assert entry["status"] == "CONFIRMED"

    method, vevent = vobject_event(text)
    assert method == "REQUEST"
    assert vevent.dtstart.value == starts_at
    assert vevent.dtend.value == ends_at
    assert vevent.uid.value == entry["uid"]
    if case == "clocks_change":
        assert (ends_at - starts_at).total_seconds() == 3 * 3600
        assert entry["end"] - entry["start"] == 3 * 3600


def test_an_update_keeps_the_uid_and_raises_the_sequence(app):
    event = make_event(starts_at=CASES["bst"][0], ends_at=CASES["bst"][1])
    person = make_registration(event)
    first = ical_js(messages.ticket_confirmed(person).ical_body)["events"][0]

    event.starts_at, event.ends_at = CASES["gmt"]
    event.sequence += 1
    db.session.commit()
    update = messages.event_changed(person)

    assert update.ical_method == "REQUEST"
    parsed = ical_js(update.ical_body)
    [entry] = parsed["events"]
    assert parsed["method"] == "REQUEST"
    assert entry["uid"] == first["uid"]
    assert entry["sequence"] > first["sequence"]
    assert entry["start"] == CASES["gmt"][0].timestamp()
    _, vevent = vobject_event(update.ical_body)
    assert int(vevent.sequence.value) == entry["sequence"]


def test_a_cancellation_by_the_organisers_is_a_cancel_with_status_cancelled(app):
    event = make_event()
    person = make_registration(event)
    uid = ical.ticket_uid(person)
    event.sequence += 1
    db.session.commit()

    email = messages.event_cancelled(person, "The speaker is ill.")

    assert email.ical_method == "CANCEL"
    parsed = ical_js(email.ical_body)
    assert parsed["method"] == "CANCEL"
    [entry] = parsed["events"]
    assert entry["uid"] == uid
    assert entry["status"] == "CANCELLED"
    assert entry["sequence"] == 1
    # A cancellation never carries the joining link.
    assert event.online_url not in email.ical_body
    method, vevent = vobject_event(email.ical_body)
    assert (method, vevent.status.value) == ("CANCEL", "CANCELLED")
    assert "The speaker is ill." in email.text_body


@pytest.mark.parametrize(
    ("event_format", "expected"),
    [(EventFormat.ONLINE, "Online session"), (EventFormat.IN_PERSON, "Appointment")],
)
def test_a_neutral_title_keeps_the_event_name_out_of_the_calendar(app, event_format, expected):
    event = make_event(
        title="Care leavers' support group",
        format=event_format,
        venue_name="Community centre",
        address="1 High Street",
    )
    person = make_registration(event, discreet=True)

    text = messages.ticket_confirmed(person).ical_body

    assert ical_js(text)["events"][0]["summary"] == expected
    assert vobject_event(text)[1].summary.value == expected
    assert "Care leavers" not in text
    assert "support group" not in text


def test_the_joining_link_is_only_in_a_confirmed_persons_invite(app):
    event = make_event(format=EventFormat.ONLINE)
    confirmed = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)

    entry = ical_js(messages.ticket_confirmed(confirmed).ical_body)["events"][0]

    assert entry["url"] == event.online_url
    assert event.online_url in entry["description"]
    assert event.online_url not in ical.ticket_invite(
        waiting, ticket_link=ticket_url(waiting.link_token)
    )
    assert messages.event_changed(waiting).ical_body is None


def test_the_public_calendar_is_read_by_both_parsers_without_joining_links(app):
    event = make_event(starts_at=CASES["clocks_change"][0], ends_at=CASES["clocks_change"][1])

    text = ical.public_calendar([event]).decode()

    parsed = ical_js(text)
    assert parsed["method"] == "PUBLISH"
    assert parsed["events"][0]["start"] == event.starts_at.timestamp()
    assert vobject_event(text)[1].dtend.value == event.ends_at
    assert event.online_url not in text
