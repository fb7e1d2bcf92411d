"""A 'no' in a calendar gives the place back; a forged one, or junk, changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from nclw.extensions import db
from nclw.mail.ical import ticket_uid
from nclw.mail.models import OutboxMessage
from nclw.registrations import messages
from nclw.registrations.calendar_replies import (
    ReplyOutcome,
    act_on_reply,
    calendar_replies_in,
    is_reply_address,
    receive_replies,
)
from nclw.registrations.models import CalendarAnswer, RegistrationStatus, ReleaseRoute
from nclw.registrations.personal_data import delete_my_details
from nclw.registrations.rsvp import CODE_LENGTH, code_in_address, reply_address
from nclw.registrations.services import SignUpDetails, register
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration
from tests.support.calendar_replies import (
    icalendar_email,
    icalendar_reply_calendar,
    invite_for,
    thunderbird_email,
    thunderbird_reply_calendar,
)

DOMAIN = "replies.nclw.test"


@pytest.fixture
def replies_on(app):
    app.config["RSVP_ADDRESS_DOMAIN"] = DOMAIN
    return app


def _full_event_with_one_waiting():
    event = make_event(capacity=1)
    holder = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    return event, holder, waiting


def _reply(registration, partstat: str, *, to: str | None = None) -> tuple[str, bytes]:
    address = to or reply_address(registration)
    calendar = icalendar_reply_calendar(ticket_uid(registration), registration.email, partstat)
    return address, icalendar_email(calendar, to=address, sender=registration.email)


def _kinds(registration_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.kind).where(OutboxMessage.registration_id == registration_id)
        )
    )


def test_a_decline_at_the_tickets_address_gives_the_place_to_the_next_person(replies_on):
    event, holder, waiting = _full_event_with_one_waiting()
    address, message = _reply(holder, "DECLINED")
    db.session.commit()

    assert receive_replies([address], message, now=utcnow()) == [ReplyOutcome.RELEASED]

    db.session.expire_all()
    assert holder.status == RegistrationStatus.CANCELLED
    assert holder.released_via == ReleaseRoute.CALENDAR_REPLY
    assert holder.place_taken_again is True
    assert holder.calendar_answer == CalendarAnswer.DECLINED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert event.confirmed_count == 1
    assert _kinds(holder.id) == ["cancelled_in_calendar"]
    assert _kinds(waiting.id) == ["promoted"]


def test_the_confirmation_is_short_and_takes_the_entry_out_of_the_calendar(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    address, message = _reply(holder, "DECLINED")
    receive_replies([address], message, now=utcnow())

    email = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "cancelled_in_calendar")
    )
    assert "You said no to" in email.text_body
    assert "in your calendar, so we have cancelled your ticket" in email.html_body
    assert "METHOD:CANCEL" in email.ical_body


@pytest.mark.parametrize("partstat", ["ACCEPTED", "TENTATIVE"])
def test_yes_or_maybe_is_recorded_and_changes_nothing_else(replies_on, partstat):
    _, holder, waiting = _full_event_with_one_waiting()
    address, message = _reply(holder, partstat)
    now = utcnow()

    assert receive_replies([address], message, now=now) == [ReplyOutcome.RECORDED]

    db.session.expire_all()
    assert holder.status == RegistrationStatus.CONFIRMED
    assert holder.calendar_answer == CalendarAnswer(partstat.lower())
    assert holder.calendar_answered_at == now
    assert holder.released_via is None
    assert waiting.status == RegistrationStatus.WAITING
    assert _kinds(holder.id) == []


def test_a_reply_to_another_tickets_address_changes_nothing(replies_on):
    event, holder, waiting = _full_event_with_one_waiting()
    stranger = make_registration(make_event())
    # The right UID for the holder's ticket, sent to a reply address that is not theirs.
    _, message = _reply(holder, "DECLINED")
    wrong_address = reply_address(stranger)

    assert act_on_reply(wrong_address, message, now=utcnow()) == ReplyOutcome.IGNORED
    db.session.commit()
    db.session.expire_all()
    assert holder.status == RegistrationStatus.CONFIRMED
    assert stranger.status == RegistrationStatus.CONFIRMED
    assert stranger.calendar_answer is None
    assert waiting.status == RegistrationStatus.WAITING


def test_a_made_up_code_or_another_domain_changes_nothing(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    address, message = _reply(holder, "DECLINED")
    guessed = f"rsvp+{'a' * CODE_LENGTH}@{DOMAIN}"
    elsewhere = address.replace(DOMAIN, "example.org")

    for to in (guessed, elsewhere, "rsvp@" + DOMAIN, "tickets@" + DOMAIN):
        assert act_on_reply(to, message, now=utcnow()) == ReplyOutcome.IGNORED
    db.session.expire_all()
    assert holder.status == RegistrationStatus.CONFIRMED


def test_the_right_address_with_another_events_uid_changes_nothing(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    other = make_registration(make_event())
    calendar = icalendar_reply_calendar(ticket_uid(other), holder.email, "DECLINED")
    message = icalendar_email(calendar, to=reply_address(holder), sender=holder.email)

    assert act_on_reply(reply_address(holder), message, now=utcnow()) == ReplyOutcome.IGNORED
    db.session.expire_all()
    assert holder.status == other.status == RegistrationStatus.CONFIRMED


def test_only_a_reply_counts_not_a_request_with_the_same_words(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    calendar = icalendar_reply_calendar(ticket_uid(holder), holder.email, "DECLINED")
    calendar = calendar.replace(b"METHOD:REPLY", b"METHOD:REQUEST")
    message = icalendar_email(calendar, to=reply_address(holder), sender=holder.email)

    assert act_on_reply(reply_address(holder), message, now=utcnow()) == ReplyOutcome.IGNORED


def test_a_decline_after_the_start_is_only_recorded(replies_on):
    event = make_event(starts_at=utcnow() - timedelta(minutes=10))
    holder = make_registration(event)
    address, message = _reply(holder, "DECLINED")

    assert act_on_reply(address, message, now=utcnow()) == ReplyOutcome.RECORDED
    assert holder.status == RegistrationStatus.CONFIRMED
    assert holder.calendar_answer == CalendarAnswer.DECLINED


def test_a_second_decline_is_recorded_and_gives_back_nothing_more(replies_on):
    event, holder, waiting = _full_event_with_one_waiting()
    address, message = _reply(holder, "DECLINED")
    receive_replies([address], message, now=utcnow())

    assert receive_replies([address], message, now=utcnow()) == [ReplyOutcome.RECORDED]
    db.session.expire_all()
    assert event.confirmed_count == 1
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_thunderbirds_reply_is_read(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    calendar = thunderbird_reply_calendar(invite_for(holder), "DECLINED")
    message = thunderbird_email(calendar, to=reply_address(holder), sender=holder.email)

    [answer] = calendar_replies_in(message)
    assert (answer.uid, answer.partstat) == (ticket_uid(holder), "DECLINED")


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"\x00\xff\xfe not an email at all",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/calendar\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n--x--",
        b"Subject: hi\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN",
        b"Subject: no calendar\r\n\r\nJust words.",
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--",
    ],
)
def test_junk_is_no_reply_and_raises_nothing(replies_on, junk):
    _, holder, _ = _full_event_with_one_waiting()
    assert calendar_replies_in(junk) == []
    assert act_on_reply(reply_address(holder), junk, now=utcnow()) == ReplyOutcome.IGNORED


def test_invites_name_the_tickets_own_reply_address_not_its_link(replies_on):
    event = make_event()
    result = register(event, SignUpDetails("Sam", "sam@example.com"), now=utcnow())
    ticket = result.registration
    assert ticket.rsvp_code and len(ticket.rsvp_code) == CODE_LENGTH

    invite = messages.ticket_confirmed(ticket).ical_body
    [entry] = Calendar.from_ical(invite).walk("VEVENT")
    assert str(entry["organizer"]) == f"mailto:rsvp+{ticket.rsvp_code}@{DOMAIN}"
    # The ticket link in the same invite is another secret.
    assert ticket.rsvp_code not in invite.split("Manage or cancel: ")[1].split("\r\n")[0]


def test_without_the_setting_invites_stay_as_they_were(app):
    app.config["RSVP_ADDRESS_DOMAIN"] = None
    ticket = make_registration(make_event())
    invite = messages.ticket_confirmed(ticket).ical_body
    assert "mailto:tickets@nclw-events.org.uk" in invite
    assert "rsvp+" not in invite
    assert not is_reply_address(f"rsvp+{'a' * CODE_LENGTH}@{DOMAIN}")


def test_an_older_ticket_gets_its_code_with_its_next_invite(replies_on):
    ticket = make_registration(make_event())
    assert ticket.rsvp_code is None
    assert reply_address(ticket, give_code=False) is None
    messages.ticket_resent(ticket)
    assert reply_address(ticket) == f"rsvp+{ticket.rsvp_code}@{DOMAIN}"


def test_deleting_your_details_stops_the_reply_address_working(replies_on):
    _, holder, _ = _full_event_with_one_waiting()
    address, message = _reply(holder, "DECLINED")
    delete_my_details(holder, now=utcnow())
    db.session.commit()

    assert act_on_reply(address, message, now=utcnow()) == ReplyOutcome.IGNORED


def test_reply_addresses_are_read_strictly():
    code = "k" * CODE_LENGTH
    assert code_in_address(f"rsvp+{code}@{DOMAIN}", DOMAIN) == code
    assert code_in_address(f"<RSVP+{code.upper()}@Replies.NCLW.test>", DOMAIN) == code
    for address in (
        f"rsvp+{code}@other.test",
        f"rsvp+{code[:-1]}@{DOMAIN}",
        f"rsvp+{code}x@{DOMAIN}",
        f"rsvp-{code}@{DOMAIN}",
        f"rsvp+{code[:-1]}!@{DOMAIN}",
        "",
        "no-at-sign",
    ):
        assert code_in_address(address, DOMAIN) is None
