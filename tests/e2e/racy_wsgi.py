"""A deliberately racy app for the control run: `gunicorn tests.e2e.racy_wsgi:app`.

It replaces the guarded UPDATE that claims a place with the naive "count the tickets, then
insert" that many booking systems use. Between the count and the insert other requests do the
same, so several people get the last place. The concurrency tests run their harness against
this app and expect it to report overbooking: that proves the harness can fail.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nclw import create_app
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import services
from nclw.registrations.models import Registration, RegistrationStatus
from tests.e2e.rivals import counted, wait_for_a_rival


def _count_then_claim(event_id: int, places: int = 1) -> bool:
    """Check-then-insert: count confirmed tickets, pause, and say yes if there was room."""
    capacity = db.session.scalar(sa.select(Event.capacity).where(Event.id == event_id))
    taken = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    # End the read so the pause holds no lock, as an ORM read in a web request would not.
    db.session.commit()
    if capacity is not None and taken >= capacity:
        return False  # no place to fight over: no need to wait
    # Each one with room waits for a later one that also found room, before either writes
    # (tests/e2e/rivals.py): the last place is always given twice.
    notes, key = Path(app.instance_path) / "racy-counts", f"event{event_id}"
    wait_for_a_rival(notes, key, counted(notes, key), after_me=True)
    # The counter (and its CHECK backstop) is left alone: the rows tell the truth.
    return capacity is None or taken < capacity


services._take_place = _count_then_claim
# PostgreSQL normally takes the place inside the sign-up's single statement: use the steps.
services.ONE_STATEMENT_ON_POSTGRESQL = False

app = create_app()
