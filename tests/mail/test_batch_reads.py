"""What the sender reads and does to write a batch of sign-up emails: each ticket once for
the whole batch, no slot for an event that has none, and no boundary search in the email
package; and the emails it writes are still each person's own."""

from __future__ import annotations

import email.generator
from datetime import timedelta

import icalendar
import pytest

from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.registrations import services, slot_changes
from nclw.registrations.services import SignUpDetails
from nclw.timezones import utcnow
from tests.factories import make_event
from tests.mail.helpers import calendar_part
from tests.security.test_week_cache import count_queries

pytestmark = pytest.mark.usefixtures("smtp_app")


def _sign_up(event, email: str, slot_id: int | None = None):
    details = SignUpDetails(first_name="Sam", email=email, slot_id=slot_id)
    return services.register(event, details, now=utcnow())


def _reads_of(statements: list[str], *tables: str) -> list[str]:
    """Statements that read one of `tables` itself (not in a subquery of another's read)."""
    return [s for s in statements if s.lstrip().startswith(tuple(f"SELECT {t}." for t in tables))]


def test_a_batch_reads_its_tickets_once_and_no_slots_for_an_event_without_them(smtp_server):
    event = make_event(title="Careers session", capacity=10)
    for n in range(5):
        _sign_up(event, f"person{n}@example.org")
    db.session.commit()

    with count_queries() as statements:
        report = send_pending()

    assert report.sent == 5
    assert len(smtp_server.wait_for(5)) == 5
    # One read of the five tickets (with their event), not one more for each email.
    ticket_reads = [s for s in statements if s.lstrip().startswith("SELECT registrations.")]
    assert len(ticket_reads) == 1, statements
    # The event's own read said it has no times: no email asks for the ticket's.
    assert _reads_of(statements, "event_slots", "slot_bookings", "slot_waits") == []


def test_a_ticket_at_a_slotted_event_still_gets_its_own_time(smtp_server):
    event = make_event(title="Mock interviews", capacity=None)
    slots = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=3, minutes=20, capacity=2, now=utcnow()
    )
    db.session.commit()
    _sign_up(event, "second-slot@example.org", slot_id=slots[1].id)
    starts = slots[1].starts_at

    send_pending()

    [received] = smtp_server.wait_for(1)
    [entry] = icalendar.Calendar.from_ical(calendar_part(received.message).get_content()).walk(
        "VEVENT"
    )
    assert entry.decoded("DTSTART") == starts
    assert entry.decoded("DTEND") == starts + timedelta(minutes=20)
    assert starts != event.starts_at  # the second slot's time, not the event's


def test_emails_are_written_without_searching_for_a_boundary(smtp_server, monkeypatch):
    def searched(*_args, **_kwargs):
        raise AssertionError("the email package searched the text for a boundary")

    # The email package tries boundaries against the text with a new regular expression for
    # each part: the sender draws them itself.
    monkeypatch.setattr(email.generator.Generator, "_make_boundary", classmethod(searched))
    event = make_event(title="Careers session", capacity=10)
    _sign_up(event, "first@example.org")
    _sign_up(event, "second@example.org")
    db.session.commit()

    assert send_pending().sent == 2

    boundaries = []
    for received in smtp_server.wait_for(2):
        multiparts = [part for part in received.message.walk() if part.is_multipart()]
        assert len(multiparts) >= 2  # the text, the page and the invite; the QR beside the page
        assert calendar_part(received.message) is not None
        assert received.message.get_body(preferencelist=("html",)) is not None
        boundaries += [part.get_boundary() for part in multiparts]
    # Each part of each email has a boundary of its own.
    assert len(set(boundaries)) == len(boundaries)
    assert all(len(boundary) >= 32 for boundary in boundaries)
