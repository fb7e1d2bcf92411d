"""Fire sign-ups with supporters (mixed with singles) at once at a gunicorn-served app.

Used by the SQLite and PostgreSQL proofs that a young person and their supporter take their
two places together or not at all, and by their control run against
`tests.e2e.racy_pairs_wsgi`, which shows the checks catch an app that counts, then inserts.

What happened is read from the database (tickets, supporters and the event's counter) and
from each person's ticket page, opened through the link in their email.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from nclw.addresses import normalise_email
from tests.e2e.signup_storm import (
    Attempt,
    EmailedLink,
    _answered_check_email,
    _attempt_problem,
    _sa_url,
    add_open_event,
    post_together,
    send_and_open_emails,
)

SUPPORTER = {"supporter_first_name": "Jo", "supporter_role": "carer"}
ON_THE_PAGE = "Jo (carer) is coming with you"


def add_event_allowing_supporters(env: Mapping[str, str], *, capacity: int) -> str:
    """One open event that lets young people bring a supporter; its slug."""
    slug = add_open_event(env, capacity=capacity)
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE events SET supporters_allowed = true WHERE slug = :slug"),
                {"slug": slug},
            )
    finally:
        engine.dispose()
    return slug


class PairAttempt(Attempt):
    """A sign-up that brings a supporter when `with_supporter` is set."""

    with_supporter: bool = False

    def submit(self, form_url: str) -> None:
        data = {"csrf_token": self._token, "first_name": "Sam", "email": self.email}
        if self.with_supporter:
            data.update(SUPPORTER)
        self.status, self.headers, self.body = self._open(form_url, data)
        self.location = self.headers.get("Location", "")


def fire_mixed(base_url: str, slug: str, people: int) -> list[PairAttempt]:
    """Every other person brings a supporter. All fetch the form, then post at one moment."""
    form_url = f"{base_url}/events/{slug}/register"
    attempts = []
    for n in range(people):
        attempt = PairAttempt(f"person{n}@example.com")
        attempt.with_supporter = n % 2 == 0
        attempts.append(attempt)
    return post_together(form_url, attempts)


@dataclass
class Ticket:
    id: int
    email: str
    reference: str
    status: str
    supporters: int  # supporter rows on this ticket


@dataclass
class PairOutcome:
    capacity: int
    attempts: list[PairAttempt]
    tickets: list[Ticket]
    confirmed_count: int
    emailed: list[EmailedLink]

    @property
    def places_held(self) -> int:
        """Places the rows hold: each confirmed ticket, and its supporter."""
        return sum(1 + t.supporters for t in self.tickets if t.status == "confirmed")

    def overbooked(self) -> bool:
        return self.places_held > self.capacity or self.confirmed_count > self.capacity

    def problems(self) -> list[str]:
        """Every way the run broke the rules; empty when no pair was split or overbooked."""
        found = [_attempt_problem(a) for a in self.attempts if not _answered_check_email(a)]
        by_email = {t.email: t for t in self.tickets}
        if len(by_email) != len(self.tickets) or len(self.tickets) != len(self.attempts):
            found.append(f"{len(self.tickets)} tickets for {len(self.attempts)} people")
        for attempt in self.attempts:
            ticket = by_email.get(normalise_email(attempt.email))
            if ticket is None:
                found.append(f"{attempt.email}: no ticket")
                continue
            # A pair is whole: the supporter is on the ticket of the one who brought them.
            if ticket.supporters != int(attempt.with_supporter):
                found.append(f"{attempt.email}: {ticket.supporters} supporters on the ticket")
        if self.places_held > self.capacity:
            found.append(f"{self.places_held} places held for {self.capacity}")
        # The counter counts both places of every pair: a half-taken pair would show here.
        if self.confirmed_count != self.places_held:
            found.append(f"confirmed_count {self.confirmed_count} != {self.places_held} places")
        free = self.capacity - self.places_held
        waiting = [t for t in self.tickets if t.status == "waiting"]
        if free >= 1 and any(t.supporters == 0 for t in waiting):
            found.append(f"{free} places free while a single person waits")
        if free >= 2 and waiting:
            found.append(f"{free} places free while a pair waits")
        # Every person's page, opened from their email, says what the rows say.
        for ticket in self.tickets:
            links = [link for link in self.emailed if link.address == ticket.email]
            shown = [link for link in links if link.page_status == 200]
            if len(links) != 1 or not shown:
                found.append(f"{ticket.email}: emailed links {links}")
                continue
            page = shown[0]
            expected = "Confirmed" if ticket.status == "confirmed" else "On the waiting list"
            if not page.ticket_status.startswith(expected):
                found.append(f"{ticket.email} ({ticket.status}): page says {page.ticket_status!r}")
            if (ON_THE_PAGE in page.page) != bool(ticket.supporters):
                found.append(f"{ticket.email}: the page and the rows disagree on the supporter")
        return found


def _read(database_url: str, slug: str) -> tuple[int, list[Ticket]]:
    engine = sa.create_engine(_sa_url(database_url))
    try:
        with engine.connect() as conn:
            event_id, confirmed_count = conn.execute(
                sa.text("SELECT id, confirmed_count FROM events WHERE slug = :slug"),
                {"slug": slug},
            ).one()
            tickets = [
                Ticket(*row)
                for row in conn.execute(
                    sa.text(
                        "SELECT r.id, r.email_normalised, r.reference, r.status,"
                        " (SELECT count(*) FROM supporters s WHERE s.registration_id = r.id)"
                        " FROM registrations r WHERE r.event_id = :event ORDER BY r.id"
                    ),
                    {"event": event_id},
                )
            ]
    finally:
        engine.dispose()
    return confirmed_count, tickets


def pair_storm(
    server_url: str, env: Mapping[str, str], slug: str, *, capacity: int, people: int
) -> PairOutcome:
    """Sign `people` up at once, every other one with a supporter, and read back the result."""
    attempts = fire_mixed(server_url, slug, people)
    confirmed_count, tickets = _read(env["DATABASE_URL"], slug)
    emailed = send_and_open_emails(env, server_url)
    return PairOutcome(capacity, attempts, tickets, confirmed_count, emailed)
