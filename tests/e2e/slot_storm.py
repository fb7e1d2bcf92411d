"""Many people choose one-person time slots at the same moment, against a live gunicorn app.

Each person fetches the sign-up form, then every post is released at once, each choosing one
of the slots (several people per slot). The rule: each slot is held by exactly one confirmed
ticket, everyone else is told plainly that the time has gone (a 400 with the form again),
and nobody is lost or double-booked. Used by the SQLite and PostgreSQL proofs, and by their
control run against `tests.e2e.racy_slots_wsgi`, which shows the checks catch a double
booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from tests.e2e.signup_storm import (
    CHECK_EMAIL,
    Attempt,
    _sa_url,
    add_open_event,
    post_together,
)

SLOT_GONE = "That time has just been taken"


def add_slotted_event(env: dict[str, str], *, slots: int, minutes: int = 5) -> tuple[str, list]:
    """An open event split into `slots` one-person slots; its slug and the slot ids."""
    slug = add_open_event(env, capacity=slots)
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            from nclw.dbtypes import UTCDateTime

            events = sa.table(
                "events", sa.column("id"), sa.column("slug"), sa.column("starts_at", UTCDateTime())
            )
            event_id, start = conn.execute(
                sa.select(events.c.id, events.c.starts_at).where(events.c.slug == slug)
            ).one()

            table = sa.table(
                "event_slots",
                sa.column("event_id"),
                sa.column("starts_at", UTCDateTime()),
                sa.column("ends_at", UTCDateTime()),
                sa.column("capacity"),
                sa.column("confirmed_count"),
            )
            conn.execute(
                table.insert(),
                [
                    {
                        "event_id": event_id,
                        "starts_at": start + timedelta(minutes=minutes * n),
                        "ends_at": start + timedelta(minutes=minutes * (n + 1)),
                        "capacity": 1,
                        "confirmed_count": 0,
                    }
                    for n in range(slots)
                ],
            )
            ids = conn.execute(
                sa.text("SELECT id FROM event_slots WHERE event_id = :e ORDER BY starts_at"),
                {"e": event_id},
            ).scalars()
            return slug, list(ids)
    finally:
        engine.dispose()


class SlotAttempt(Attempt):
    """A sign-up that chooses a time slot."""

    slot_id: int = 0

    def submit(self, form_url: str) -> None:
        data = {
            "csrf_token": self._token,
            "first_name": "Sam",
            "email": self.email,
            "slot_id": str(self.slot_id),
        }
        self.status, self.headers, self.body = self._open(form_url, data)


@dataclass
class SlotOutcome:
    attempts: list[SlotAttempt]
    confirmed: int
    waiting: int
    event_count: int
    holders: dict[int, int]  # confirmed tickets per slot, from the bookings
    slot_counts: dict[int, int]  # each slot's own counter

    @property
    def accepted(self) -> list[SlotAttempt]:
        return [a for a in self.attempts if a.status == 200 and CHECK_EMAIL in a.body]

    @property
    def refused(self) -> list[SlotAttempt]:
        return [a for a in self.attempts if a.status == 400 and SLOT_GONE in a.body]

    def double_booked(self) -> list[int]:
        return [slot for slot, holders in self.holders.items() if holders > 1]

    def problems(self, slots: int) -> list[str]:
        found = []
        odd = [a for a in self.attempts if a not in self.accepted and a not in self.refused]
        found += [f"{a.email}: {a.status} {a.error} {a.body[:200]!r}" for a in odd]
        if self.double_booked():
            found.append(f"slots held by more than one ticket: {self.double_booked()}")
        if len(self.holders) != slots or set(self.holders.values()) != {1}:
            found.append(f"holders per slot {self.holders}")
        if set(self.slot_counts.values()) != {1}:
            found.append(f"slot counters {self.slot_counts}")
        if self.confirmed != slots or self.event_count != slots:
            found.append(f"{self.confirmed} confirmed rows, event count {self.event_count}")
        if len(self.accepted) != slots or len(self.refused) != len(self.attempts) - slots:
            found.append(f"{len(self.accepted)} accepted, {len(self.refused)} refused")
        if self.waiting:
            found.append(f"{self.waiting} waiting: a taken time is refused, not queued")
        return found


def slot_storm(base_url: str, env: dict[str, str], slug: str, slot_ids: list, people: int):
    """Fire `people` sign-ups at once; people choose the slots in turn, a few people each,
    neighbours choosing the same slot (so that requests served together fight over one)."""
    form_url = f"{base_url}/events/{slug}/register"
    attempts = []
    for n in range(people):
        attempt = SlotAttempt(f"slot{n}@example.com")
        attempt.slot_id = slot_ids[n * len(slot_ids) // people]
        attempts.append(attempt)
    post_together(form_url, attempts)
    return _read(env, slug, attempts)


def _read(env: dict[str, str], slug: str, attempts: list[SlotAttempt]) -> SlotOutcome:
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            event_id, count = conn.execute(
                sa.text("SELECT id, confirmed_count FROM events WHERE slug = :slug"),
                {"slug": slug},
            ).one()
            statuses = dict(
                conn.execute(
                    sa.text(
                        "SELECT status, count(*) FROM registrations WHERE event_id = :e"
                        " GROUP BY status"
                    ),
                    {"e": event_id},
                ).all()
            )
            holders = dict(
                conn.execute(
                    sa.text(
                        "SELECT b.slot_id, count(*) FROM slot_bookings b"
                        " JOIN registrations r ON r.id = b.registration_id"
                        " WHERE r.event_id = :e AND r.status = 'confirmed' GROUP BY b.slot_id"
                    ),
                    {"e": event_id},
                ).all()
            )
            slot_counts = dict(
                conn.execute(
                    sa.text("SELECT id, confirmed_count FROM event_slots WHERE event_id = :e"),
                    {"e": event_id},
                ).all()
            )
    finally:
        engine.dispose()
    return SlotOutcome(
        attempts,
        statuses.get("confirmed", 0),
        statuses.get("waiting", 0),
        count,
        holders,
        slot_counts,
    )
