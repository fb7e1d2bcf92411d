"""A deliberately racy app for the supporters' control run: `tests.e2e.racy_pairs_wsgi:app`.

It replaces the guarded UPDATE that takes a pair's places with "count the places held, then
insert": between the count and the insert other requests do the same, so more places are
given than there are. The pair proofs expect their harness to report it.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nclw import create_app
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import services
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.supporter_models import Supporter
from tests.e2e.rivals import counted, wait_for_a_rival


def _count_then_claim(event_id: int, places: int = 1) -> bool:
    """Check-then-insert: count the places held, pause, and say yes if there was room."""
    capacity = db.session.scalar(sa.select(Event.capacity).where(Event.id == event_id))
    held = db.session.scalar(
        sa.select(sa.func.count(Registration.id) + sa.func.count(Supporter.id))
        .select_from(Registration)
        .outerjoin(Supporter, Supporter.registration_id == Registration.id)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    db.session.commit()  # the pause holds no lock, as an ORM read in a web request would not
    if capacity is not None and held + places > capacity:
        return False
    # Each one with room waits for a later one that also found room, before either writes
    # (tests/e2e/rivals.py): the last place is always given twice.
    notes, key = Path(app.instance_path) / "racy-counts", f"event{event_id}"
    wait_for_a_rival(notes, key, counted(notes, key), after_me=True)
    # The counter (and its CHECK backstop) is left alone: the rows tell the truth.
    return True


services._take_place = _count_then_claim
services.ONE_STATEMENT_ON_POSTGRESQL = False

app = create_app()
