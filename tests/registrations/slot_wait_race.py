"""Cancellations in one time race sign-ups waiting for it and for another time.

Each person is a thread with an app context (so a database session and connection) of its
own, all released at once; the database decides, as it does between gunicorn's workers.
The rule: every place freed in time A goes to someone waiting for A, first those who were
waiting before the race; nobody waiting for B gets one; no time and no event is overbooked.
Used on a SQLite file (tests/registrations) and on PostgreSQL (tests/postgres).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask

from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import services, slot_changes, slots
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.sign_up_details import SignUpDetails
from nclw.registrations.slot_models import EventSlot, SlotBooking, SlotWait
from nclw.timezones import utcnow
from tests.factories import make_event

A_PLACES, B_PLACES = 6, 3
WAITING_FOR_A, WAITING_FOR_B = 4, 3  # before the race
NEW_FOR_A, NEW_FOR_B = 4, 4  # signing up during it


@dataclass
class Race:
    event_id: int
    a: int
    b: int
    a_holders: list[int]
    b_holders: list[int]
    early_a: list[int]
    early_b: list[int]
    errors: list[str] = field(default_factory=list)


def _sign_up(event, slot_id: int, email: str, *, wait: bool = False) -> int:
    details = SignUpDetails(first_name="Sam", email=email, slot_id=slot_id, wait_for_slot=wait)
    return services.register(event, details, now=utcnow()).registration_id


def set_up(app: Flask) -> Race:
    """Both times full, with people already waiting for each (B's list is the older)."""
    with app.app_context():
        event = make_event(capacity=None, waiting_list_per_slot=True)
        [a] = slot_changes.make_slots(
            event,
            first_starts_at=event.starts_at,
            count=1,
            minutes=20,
            capacity=A_PLACES,
            now=utcnow(),
        )
        [b] = slot_changes.make_slots(
            event,
            first_starts_at=a.ends_at,
            count=1,
            minutes=20,
            capacity=B_PLACES,
            now=utcnow(),
        )
        db.session.commit()
        race = Race(
            event.id,
            a.id,
            b.id,
            a_holders=[_sign_up(event, a.id, f"a{n}@example.com") for n in range(A_PLACES)],
            b_holders=[_sign_up(event, b.id, f"b{n}@example.com") for n in range(B_PLACES)],
            early_b=[
                _sign_up(event, b.id, f"wb{n}@example.com", wait=True) for n in range(WAITING_FOR_B)
            ],
            early_a=[
                _sign_up(event, a.id, f"wa{n}@example.com", wait=True) for n in range(WAITING_FOR_A)
            ],
        )
        db.session.remove()
        return race


def run(app: Flask, race: Race) -> None:
    """Cancel every holder of A while new people sign up to wait for A and for B."""
    jobs = [lambda rid=rid: _cancel(rid) for rid in race.a_holders]
    jobs += [lambda n=n: _wait(race, race.a, f"new-a{n}@example.com") for n in range(NEW_FOR_A)]
    jobs += [lambda n=n: _wait(race, race.b, f"new-b{n}@example.com") for n in range(NEW_FOR_B)]
    start = threading.Barrier(len(jobs))

    def thread(job) -> None:
        with app.app_context():
            try:
                start.wait(timeout=60)
                job()
            except Exception as error:  # noqa: BLE001 - every failure is reported
                race.errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=thread, args=(job,)) for job in jobs]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=120)


def _cancel(registration_id: int) -> None:
    services.cancel_registration(db.session.get_one(Registration, registration_id), now=utcnow())
    db.session.commit()


def _wait(race: Race, slot_id: int, email: str) -> None:
    event = db.session.get_one(Event, race.event_id)
    _sign_up(event, slot_id, email, wait=True)


def problems(app: Flask, race: Race) -> list[str]:
    """Everything that breaks the rule, in words (empty when it held)."""
    found = list(race.errors)
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.id, Registration.status, SlotBooking.slot_id, SlotWait.slot_id)
            .outerjoin(SlotBooking, SlotBooking.registration_id == Registration.id)
            .outerjoin(SlotWait, SlotWait.registration_id == Registration.id)
            .where(Registration.event_id == race.event_id)
        ).all()
        counts = {slot.id: slot.confirmed_count for slot in slots.event_slots(race.event_id)}
        event_count = db.session.scalar(
            sa.text("SELECT confirmed_count FROM events WHERE id = :id"), {"id": race.event_id}
        )
        capacity = {
            slot_id: places
            for slot_id, places in db.session.execute(
                sa.select(EventSlot.id, EventSlot.capacity).where(
                    EventSlot.event_id == race.event_id
                )
            )
        }
        db.session.remove()
    holding = [row for row in rows if row.status == RegistrationStatus.CONFIRMED]
    held_in = {slot_id: sum(1 for row in holding if row[2] == slot_id) for slot_id in counts}
    if held_in != counts or held_in != capacity:
        found.append(f"holders {held_in}, counters {counts}, places {capacity}")
    if event_count != len(holding):
        found.append(f"event count {event_count} for {len(holding)} holders")
    if any(row[2] is None for row in holding):
        found.append("a confirmed ticket without a time")
    status = {row.id: row.status for row in rows}
    if any(status[rid] != RegistrationStatus.CONFIRMED for rid in race.early_a):
        found.append("someone waiting for A before the race did not get a place in A")
    waiting_for_b = [row for row in rows if row[3] == race.b]
    if any(row.status != RegistrationStatus.WAITING for row in waiting_for_b):
        found.append("someone waiting for B was given a place")
    if len(waiting_for_b) != WAITING_FOR_B + NEW_FOR_B:
        found.append(f"{len(waiting_for_b)} waiting for B")
    if set(race.b_holders) - {row.id for row in holding}:
        found.append("a holder of B lost their place")
    still_waiting_a = [
        row for row in rows if row[3] == race.a and row.status == RegistrationStatus.WAITING
    ]
    expected = WAITING_FOR_A + NEW_FOR_A - A_PLACES
    if len(still_waiting_a) != expected:
        found.append(f"{len(still_waiting_a)} still waiting for A, expected {expected}")
    return found
