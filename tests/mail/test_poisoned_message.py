"""One message that cannot be written never holds up the others claimed with it.

The joining link below was saved before links were checked for hidden characters (it is
written straight into the table here, as an old database would hold it). On PostgreSQL too:
CI runs this module there (`make test-postgres`).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.events.models import Event, EventFormat
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus
from nclw.mail.status import retry_message
from nclw.registrations import services
from nclw.registrations.send_time import COMPOSED_WHEN_SENT
from nclw.registrations.services import SignUpDetails
from nclw.timezones import utcnow
from tests.factories import make_event, ticket_link
from tests.mail.helpers import calendar_part, outbox_rows

pytestmark = pytest.mark.usefixtures("smtp_app")

POISONED_LINK = "https://meet.example.org/room\nBcc: everyone@example.org"


def _online_event(title: str) -> Event:
    return make_event(
        title=title, format=EventFormat.ONLINE, online_url="https://meet.example.org/ok"
    )


def _sign_up(event: Event, email: str):
    details = SignUpDetails(first_name="Sam", email=email)
    return services.register(event, details, now=utcnow())


def _poison(event: Event) -> None:
    db.session.execute(
        sa.update(Event).where(Event.id == event.id).values(online_url=POISONED_LINK)
    )
    db.session.commit()
    db.session.expire_all()


def test_an_old_link_with_a_line_break_is_left_out_of_the_invite_not_the_batch(smtp_server):
    poisoned = _online_event("Poisoned")
    good = _online_event("Good")
    db.session.commit()
    _sign_up(poisoned, "ben@example.com")
    _sign_up(good, "cat@example.com")
    _poison(poisoned)

    report = send_pending()

    assert (report.sent, report.failed) == (2, 0)
    received = {m.message["To"]: m for m in smtp_server.wait_for(2)}
    invite = calendar_part(received["ben@example.com"].message).get_payload(decode=True)
    assert b"Bcc" not in invite and b"meet.example.org" not in invite
    assert received["ben@example.com"].message["Bcc"] is None


def test_a_message_that_cannot_be_written_fails_alone_and_the_batch_goes_out(
    smtp_server, monkeypatch
):
    """Whatever breaks the writing of one email, the others claimed with it still go."""
    events = [_online_event(title) for title in ("Before", "Broken", "After")]
    db.session.commit()
    for event, email in zip(events, ("ava@", "ben@", "cat@"), strict=True):
        _sign_up(event, email + "example.com")
    write_ticket, state = COMPOSED_WHEN_SENT["ticket_confirmed"]

    def breaks_for_ben(registration):
        if registration.email == "ben@example.com":
            raise ValueError("cannot write this one")
        return write_ticket(registration)

    monkeypatch.setitem(COMPOSED_WHEN_SENT, "ticket_confirmed", (breaks_for_ben, state))

    report = send_pending()

    assert (report.sent, report.failed) == (2, 1)
    received = smtp_server.wait_for(2)
    assert sorted(m.message["To"] for m in received) == ["ava@example.com", "cat@example.com"]
    rows = {row.to_address: row for row in outbox_rows()}
    bad = rows["ben@example.com"]
    assert bad.status == MessageStatus.FAILED
    assert bad.claimed_by is None and bad.attempts == 1
    assert bad.last_error == "Could not be written: ValueError: cannot write this one"
    assert [r.status for r in outbox_rows()].count(MessageStatus.SENDING) == 0

    # Once the fault is gone, the organisers' retry sends it.
    monkeypatch.setitem(COMPOSED_WHEN_SENT, "ticket_confirmed", (write_ticket, state))
    retry_message(bad, actor=None, now=utcnow())
    db.session.commit()
    assert send_pending().sent == 1
    assert smtp_server.wait_for(3)[-1].message["To"] == "ben@example.com"


def test_the_invite_download_leaves_out_a_link_it_cannot_write(app, client):
    event = _online_event("Poisoned")
    db.session.commit()
    result = _sign_up(event, "ben@example.com")
    db.session.commit()
    link = ticket_link(result.registration)
    _poison(event)
    response = client.get(f"/tickets/{link}/invite.ics")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.data
    assert b"meet.example.org" not in response.data


def test_cancelling_and_resending_still_work_for_an_event_with_an_old_bad_link(app, client):
    """A place freed for someone waiting, and a resent ticket, are written without the link."""
    event = _online_event("Poisoned")
    event.capacity = 1
    db.session.commit()
    first = _sign_up(event, "ava@example.com")
    waiting = _sign_up(event, "ben@example.com")
    db.session.commit()
    assert waiting.registration.is_waiting
    link = ticket_link(first.registration)
    _poison(event)

    page = client.post(f"/tickets/{link}/cancel")
    assert page.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(waiting.registration), waiting.registration.id).is_confirmed
    resent = client.post(f"/events/{event.slug}/lost-ticket", data={"email": "ben@example.com"})
    assert resent.status_code == 200
    kinds = [row.kind for row in outbox_rows()]
    assert "promoted" in kinds and "ticket_asked_for" in kinds
    # "Lost your ticket?" is written when sent: that too goes without the bad link.
    send_pending()
    [asked] = [row for row in outbox_rows() if row.kind == "ticket_asked_for"]
    assert asked.status == MessageStatus.SENT
    assert asked.registration_id == waiting.registration.id
