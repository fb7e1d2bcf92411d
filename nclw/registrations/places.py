"""Taking and giving back an event's places: the guarded UPDATEs every route goes through.

A ticket holds one place, or two with a supporter (registrations.supporters). The counter
`Event.confirmed_count` counts places, never people.
"""

from __future__ import annotations

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db

EVENTS = Event.__table__
# Built once: a sign-up runs it, and building a statement costs more than running it.
TAKE_PLACE = (
    sa.update(EVENTS)
    .where(
        EVENTS.c.id == sa.bindparam("event_id"),
        sa.or_(EVENTS.c.capacity.is_(None), EVENTS.c.confirmed_count < EVENTS.c.capacity),
    )
    .values(confirmed_count=EVENTS.c.confirmed_count + 1)
)
# Two places at once, for a young person and their supporter: both or neither.
_TAKE_PLACES = (
    sa.update(EVENTS)
    .where(
        EVENTS.c.id == sa.bindparam("event_id"),
        sa.or_(
            EVENTS.c.capacity.is_(None),
            EVENTS.c.confirmed_count + sa.bindparam("places") <= EVENTS.c.capacity,
        ),
    )
    .values(confirmed_count=EVENTS.c.confirmed_count + sa.bindparam("places"))
)


def take_places(event_id: int, places: int = 1) -> bool:
    """Claim one confirmed place (or two, for a pair), atomically; False when they are not
    all free.

    The guarded UPDATE is the lock: PostgreSQL re-checks the WHERE clause after any
    concurrent update of the row commits, and SQLite lets one writer in at a time, so the
    count can never pass the capacity (the CHECK constraint is the last line of defence).
    """
    if places == 1:
        return db.session.execute(TAKE_PLACE, {"event_id": event_id}).rowcount == 1
    return db.session.execute(_TAKE_PLACES, {"event_id": event_id, "places": places}).rowcount == 1


def give_back_places(event_id: int, places: int = 1) -> None:
    """Give back one place, or a pair's two."""
    db.session.execute(
        sa.update(Event)
        .where(Event.id == event_id, Event.confirmed_count >= places)
        .values(confirmed_count=Event.confirmed_count - places)
        .execution_options(synchronize_session=False)
    )
