"""The demo's mock interviews keep a waiting list for each time, and one person waits for
the popular first interview."""

from __future__ import annotations

from datetime import timedelta

from nclw.demo_people import demo_ticket
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import slot_waits, slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import utcnow


def wait_for_the_first_interview(event: Event) -> Registration:
    """Turn on a waiting list for each time, and put Niamh on the first time's list: the
    sign-up form offers full times to wait for, and her ticket says which she waits for."""
    slot_waits.set_waiting_lists(event, slot_waits.LIST_PER_TIME, actor=None, now=utcnow())
    first = slots.event_slots(event.id)[0]
    since = utcnow() - timedelta(days=1)
    niamh = demo_ticket(
        event,
        "Niamh",
        status=RegistrationStatus.WAITING,
        waiting_since=since,
        declared_care_experienced=True,
    )
    db.session.flush()
    slot_waits.note_wait(niamh.id, first.id)
    db.session.flush()
    return niamh
