"""A deliberately racy app for the slots' control run: `gunicorn tests.e2e.racy_slots_wsgi:app`.

It replaces the guarded UPDATE that claims a slot with "count the slot's tickets, then say
yes": between the count and the insert other requests do the same, so two people get one
slot. The slot proofs run their harness against it and expect a double booking.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from nclw import create_app
from nclw.extensions import db
from nclw.registrations import slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_models import SlotBooking

# How long a request that has counted a slot waits for a rival to count it too. A fixed sleep
# left the race to the machine's timing: on a loaded machine each slot's rivals arrived more
# than the sleep apart and the control run found nothing to catch.
RIVAL_WAIT_SECONDS = 5.0


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
    _wait_for_a_rival(slot_id)
    return True  # the slot's counter (and its CHECK) is left alone: the bookings tell the truth


def _wait_for_a_rival(slot_id: int) -> None:
    """Note that this request counted the slot as free, then wait until another request (in
    any worker) has done the same, or a few seconds pass: the double booking happens every
    run. The notes are files, as the workers share nothing else but the database."""
    folder = Path(app.instance_path) / "racy-slot-counts"
    folder.mkdir(parents=True, exist_ok=True)
    note = f"{slot_id}-{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex}"
    (folder / note).touch()
    deadline = time.monotonic() + RIVAL_WAIT_SECONDS
    while time.monotonic() < deadline:
        if len(list(folder.glob(f"{slot_id}-*"))) > 1:
            return
        time.sleep(0.02)


slots.take_slot = _count_then_claim

app = create_app()
