"""Claims of offered places racing the expiry command and new sign-ups, against a live server.

Used by the SQLite and PostgreSQL concurrency tests. Every place of a full event is held by an
offer; each offer is open to its holder (the server's clock is before the deadline) and run
out for the expiry command at once (it is given a later `--now`), so the holder's claim and
the command race for every offer. New sign-ups arrive at the same moment. Whatever wins,
nobody is overbooked, and each offer ends claimed or passed on, never both and never neither.
"""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nclw import PROJECT_ROOT
from nclw.dbtypes import UTCDateTime
from nclw.registrations.services import new_reference
from nclw.tokens import new_link_token
from tests.e2e.signup_storm import CSRF_RE, Attempt, _sa_url, add_open_event, fire_signups
from tests.support.live_server import _child_env, venv_script

CLAIMED = "The place is yours"
OFFER_GONE = "This offer has ended"
_FLASH_RE = re.compile(r"(The place is yours|This offer has ended)")


@dataclass
class Holder:
    """Someone holding an offer, with the link from their email."""

    registration_id: int
    token: str
    attempt: Attempt
    told: str = ""
    status: int = 0
    error: str = ""


@dataclass
class RaceOutcome:
    capacity: int
    holders: list[Holder]
    signups: list[Attempt]
    confirmed_count: int
    statuses: dict[int, tuple[str, bool]]  # registration id: (status, offer ran out)
    audit: Counter = field(default_factory=Counter)  # (action, registration id): entries
    command_output: str = ""
    new_confirmed: int = 0  # confirmed tickets among the new sign-ups

    def count(self, status: str) -> int:
        return sum(1 for found, _ in self.statuses.values() if found == status)

    @property
    def claimed(self) -> list[Holder]:
        return [h for h in self.holders if self.statuses[h.registration_id][0] == "confirmed"]

    @property
    def passed_on(self) -> list[Holder]:
        return [h for h in self.holders if self.statuses[h.registration_id][1]]

    def problems(self) -> list[str]:
        found: list[str] = []
        held = self.count("confirmed") + self.count("offered")
        if self.confirmed_count > self.capacity or held > self.capacity:
            found.append(f"overbooked: {held} places held, count {self.confirmed_count}")
        if self.confirmed_count != held:
            found.append(f"confirmed_count {self.confirmed_count} != {held} places held")
        for holder in self.holders:
            rid = holder.registration_id
            status, ran_out = self.statuses[rid]
            claimed = self.audit[("offer.claimed", rid)]
            expired = self.audit[("offer.expired", rid)]
            if holder.error or holder.status != 302:
                found.append(f"claim {rid}: {holder.status} {holder.error}")
            if (status, ran_out) not in {("confirmed", False), ("cancelled", True)}:
                found.append(f"offer {rid} ended as {status}, ran out {ran_out}")
            if (claimed, expired) not in {(1, 0), (0, 1)}:
                found.append(f"offer {rid}: {claimed} claimed and {expired} expired entries")
            expected = CLAIMED if status == "confirmed" else OFFER_GONE
            if holder.told != expected:
                found.append(f"offer {rid} is {status}, but its holder was told {holder.told!r}")
        # Each place passed on went to the next person waiting, as a new offer.
        if self.count("offered") != len(self.passed_on):
            found.append(f"{self.count('offered')} new offers for {len(self.passed_on)} passed on")
        for attempt in self.signups:
            if attempt.status != 200:
                found.append(f"sign-up {attempt.email}: {attempt.status} {attempt.error}")
        # Every place was held throughout: a new sign-up can only join the waiting list.
        if self.new_confirmed:
            found.append(f"{self.new_confirmed} new sign-ups confirmed while every place was held")
        return found


def _tables():
    meta = sa.MetaData()
    registrations = sa.Table(
        "registrations",
        meta,
        *(sa.Column(name) for name in ("id", "event_id", "first_name", "email")),
        *(sa.Column(name) for name in ("email_normalised", "status", "reference")),
        sa.Column("calendar_sequence"),
        *(
            sa.Column(name, UTCDateTime())
            for name in ("created_at", "updated_at", "waiting_since", "offer_expires_at")
        ),
    )
    links = sa.Table(
        "ticket_links",
        meta,
        sa.Column("registration_id"),
        sa.Column("token_hash"),
        sa.Column("created_at", UTCDateTime()),
    )
    return registrations, links


def offers_holding_every_place(
    env: Mapping[str, str], *, capacity: int, waiting: int
) -> tuple[str, list[tuple[int, str]], datetime]:
    """A full event that offers freed places: every place held by an offer with an hour to
    run, and people waiting. Returns the slug, (id, raw link token) per offer, the deadline."""
    slug = add_open_event(dict(env), capacity=capacity)
    registrations, links = _tables()
    now = datetime.now(UTC)
    deadline = now + timedelta(hours=1)
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    offered: list[tuple[int, str]] = []
    try:
        with engine.begin() as conn:
            event_id = conn.execute(
                sa.text("SELECT id FROM events WHERE slug = :slug"), {"slug": slug}
            ).scalar_one()
            conn.execute(
                sa.text(
                    "UPDATE events SET offers_expire = :yes, confirmed_count = :held WHERE id = :id"
                ),
                {"yes": True, "held": capacity, "id": event_id},
            )
            for n in range(capacity + waiting):
                is_offer = n < capacity
                email = f"{'offer' if is_offer else 'queue'}{n}@example.com"
                row_id = conn.execute(
                    registrations.insert()
                    .values(
                        event_id=event_id,
                        first_name="Sam",
                        email=email,
                        email_normalised=email,
                        status="offered" if is_offer else "waiting",
                        reference=new_reference(),
                        calendar_sequence=0,
                        created_at=now,
                        updated_at=now,
                        waiting_since=None if is_offer else now + timedelta(microseconds=n),
                        offer_expires_at=deadline if is_offer else None,
                    )
                    .returning(registrations.c.id)
                ).scalar_one()
                if is_offer:
                    # Links are kept as hashes; unkeyed here, as TOKEN_HASH_KEY is not set.
                    raw = new_link_token()
                    conn.execute(
                        links.insert().values(
                            registration_id=row_id,
                            token_hash=hashlib.sha256(raw.encode()).hexdigest(),
                            created_at=now,
                        )
                    )
                    offered.append((row_id, raw))
    finally:
        engine.dispose()
    return slug, offered, deadline


def _expired_so_far(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT count(*) FROM registrations WHERE offer_expired_at IS NOT NULL")
        ).scalar_one()


def race(
    base_url: str, env: Mapping[str, str], slug: str, offered: list[tuple[int, str]], deadline
) -> RaceOutcome:
    """Start the expiry command; once it has passed its first offer on, every holder claims
    at the same moment as new people sign up. Then read back what happened."""
    holders = []
    for registration_id, token in offered:
        attempt = Attempt(f"holder{registration_id}@example.com")
        status, page = attempt.get(f"{base_url}/tickets/{token}/offer")
        assert status == 200 and "Claim my place" in page, page[:500]
        attempt._token = CSRF_RE.search(page).group(1)
        holders.append(Holder(registration_id, token, attempt))
    random.shuffle(holders)
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    later = (deadline + timedelta(minutes=1)).isoformat()
    command = subprocess.Popen(
        [str(venv_script("flask")), "--app", "wsgi", "nclw", "expire-offers", "--now", later],
        env=_child_env(env),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        waited = time.monotonic()
        while _expired_so_far(engine) == 0 and command.poll() is None:
            assert time.monotonic() - waited < 120, "the expiry command never started"
            time.sleep(0.002)
        start = threading.Barrier(len(holders) + 1)

        def claim(holder: Holder) -> None:
            start.wait(timeout=60)
            try:
                holder.status, _, _ = holder.attempt._open(
                    f"{base_url}/tickets/{holder.token}/offer",
                    {"csrf_token": holder.attempt._token},
                )
                _, page = holder.attempt.get(f"{base_url}/tickets/{holder.token}")
                found = _FLASH_RE.search(page)
                holder.told = found.group(1) if found else ""
            except Exception as exc:
                holder.error = repr(exc)

        threads = [threading.Thread(target=claim, args=(h,)) for h in holders]
        for thread in threads:
            thread.start()
        signups: list[Attempt] = []
        signing_up = threading.Thread(
            target=lambda: signups.extend(
                fire_signups(base_url, slug, [f"new{n}@example.com" for n in range(10)])
            )
        )
        signing_up.start()
        start.wait(timeout=60)
        for thread in [*threads, signing_up]:
            thread.join(timeout=300)
        output, _ = command.communicate(timeout=300)
        assert command.returncode == 0, output
        return _read(engine, slug, len(offered), holders, signups, output)
    finally:
        if command.poll() is None:
            command.kill()
        engine.dispose()


def _read(engine, slug, capacity, holders, signups, output) -> RaceOutcome:
    with engine.connect() as conn:
        event_id, confirmed_count = conn.execute(
            sa.text("SELECT id, confirmed_count FROM events WHERE slug = :slug"), {"slug": slug}
        ).one()
        statuses = {
            row.id: (row.status, row.offer_expired_at is not None)
            for row in conn.execute(
                sa.text(
                    "SELECT id, status, offer_expired_at FROM registrations WHERE event_id = :event"
                ),
                {"event": event_id},
            )
        }
        audit = Counter(
            {
                (row.action, row.target_id): row.n
                for row in conn.execute(
                    sa.text(
                        "SELECT action, target_id, count(*) AS n FROM audit_entries"
                        " WHERE action LIKE 'offer.%' GROUP BY action, target_id"
                    )
                )
            }
        )
        new_confirmed = conn.execute(
            sa.text(
                "SELECT count(*) FROM registrations WHERE event_id = :event"
                " AND email LIKE 'new%' AND status != 'waiting'"
            ),
            {"event": event_id},
        ).scalar_one()
    return RaceOutcome(
        capacity, holders, signups, confirmed_count, statuses, audit, output, new_confirmed
    )
