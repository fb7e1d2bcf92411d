"""A deliberately racy app for the slots' control run: `gunicorn tests.e2e.racy_slots_wsgi:app`.

It replaces the guarded UPDATE that claims a slot with "count the slot's tickets, then say
yes": between the count and the insert other requests do the same, so two people get one
slot. The slot proofs run their harness against it and expect a double booking.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nclw import create_app
from nclw.extensions import db
from nclw.registrations import slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_models import SlotBooking
from tests.e2e.rivals import counted, wait_for_a_rival


def _count_then_claim(slot_id: int, event_id: int, places: int = 1) -> bool:
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SlotBooking)
        .join(Registration, Registration.id == SlotBooking.registration_id)
        .where(SlotBooking.slot_id == slot_id, Registration.status == RegistrationStatus.CONFIRMED)
    )
    db.session.commit()  # lets a rival take the event's row lock and count the slot too
    if taken + places > 1:  # the proof's slots each hold one person
        return False
    # The first to find a slot free waits for a second (tests/e2e/rivals.py).
    notes, key = Path(app.instance_path) / "racy-counts", f"slot{slot_id}"
    wait_for_a_rival(notes, key, counted(notes, key), after_me=False)
    return True  # the slot's counter (and its CHECK) is left alone: the bookings tell the truth


slots.take_slot = _count_then_claim

app = create_app()
