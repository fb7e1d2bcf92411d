"""Fire many real sign-ups at once at a gunicorn-served app and check nobody was overbooked.

Used by the SQLite and PostgreSQL concurrency tests, and by their control run against
`tests.e2e.racy_wsgi`, which shows the checks catch a check-then-insert race.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.support.live_server import run_flask

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
POSITION_RE = re.compile(r"On the waiting list \(number (\d+)\)")
TEST_SECRET = "storm-secret-key-that-is-long-enough-for-the-checks"


def server_env(database_url: str, instance: Path) -> dict[str, str]:
    """Environment for `flask` and gunicorn: this database, no mail, no rate limit."""
    return {
        "DATABASE_URL": database_url,
        "NCLW_INSTANCE_PATH": str(instance),
        "SECRET_KEY": TEST_SECRET,
        # Plain-HTTP loopback: session (CSRF) cookies must not be marked Secure.
        "NCLW_ENV": "development",
        "MAIL_SERVER": "",
        "MAIL_SEND_AFTER_COMMIT": "0",
        # Every request comes from 127.0.0.1; the per-address limit would turn most into 429s.
        "RATELIMIT_ENABLED": "0",
    }


def prepare_database(env: dict[str, str], *, capacity: int) -> str:
    """Migrate the empty database with the real migrations and add one open event; its slug."""
    run_flask(["db", "upgrade", "heads"], env)
    return add_open_event(env, capacity=capacity)


def add_open_event(env: dict[str, str], *, capacity: int) -> str:
    """Add one open event to an already migrated database; its slug."""
    from nclw import create_app
    from nclw.extensions import db
    from nclw.timezones import utcnow
    from tests.factories import make_event

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _sa_url(env["DATABASE_URL"])})
    with app.app_context():
        event = make_event(
            capacity=capacity, starts_at=utcnow().replace(microsecond=0) + timedelta(days=5)
        )
        slug = event.slug
        db.session.remove()
        db.engine.dispose()
    return slug


def _sa_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Attempt:
    """One person's sign-up, as a browser would do it: fetch the form, then post it."""

    email: str
    form_status: int = 0
    status: int = 0
    location: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str = ""
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)
    _token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, dict, str]:
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(url, data=encoded, timeout=120) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def fetch_form(self, form_url: str) -> None:
        self.form_status, _, html = self._open(form_url)
        match = CSRF_RE.search(html)
        self._token = match.group(1) if match else ""

    def submit(self, form_url: str) -> None:
        data = {"csrf_token": self._token, "first_name": "Sam", "email": self.email}
        self.status, self.headers, self.body = self._open(form_url, data)
        self.location = self.headers.get("Location", "")

    def get(self, url: str) -> tuple[int, str]:
        status, _, body = self._open(url)
        return status, body


def fire_signups(base_url: str, slug: str, emails: list[str]) -> list[Attempt]:
    """Everyone fetches the form first; then all posts are released at the same moment."""
    form_url = f"{base_url}/events/{slug}/register"
    attempts = [Attempt(email) for email in emails]
    start = threading.Barrier(len(attempts))

    def run(attempt: Attempt) -> None:
        try:
            attempt.fetch_form(form_url)
        except Exception as exc:  # reported by problems(); the barrier must still be reached
            attempt.error = repr(exc)
        start.wait(timeout=120)
        if attempt.error:
            return
        try:
            attempt.submit(form_url)
        except Exception as exc:
            attempt.error = repr(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return attempts


@dataclass
class StoredRow:
    id: int
    email: str
    status: str
    manage_token: str
    waiting_since: object


@dataclass
class Outcome:
    """What the database holds after the storm, and what each ticket page says."""

    capacity: int
    attempts: list[Attempt]
    rows: list[StoredRow]
    confirmed_count: int
    page_positions: dict[str, int]
    mail: dict[str, int]  # outbox messages for the event, by kind

    @property
    def confirmed(self) -> list[StoredRow]:
        return [row for row in self.rows if row.status == "confirmed"]

    @property
    def waiting(self) -> list[StoredRow]:
        return [row for row in self.rows if row.status == "waiting"]

    def overbooked(self) -> bool:
        return len(self.confirmed) > self.capacity or self.confirmed_count > self.capacity

    def problems(self) -> list[str]:
        """Every way the run broke the rules; empty when nobody was overbooked or lost."""
        found: list[str] = []
        for attempt in self.attempts:
            if attempt.error or attempt.form_status != 200 or attempt.status != 302:
                found.append(
                    f"{attempt.email}: form {attempt.form_status}, post {attempt.status} "
                    f"{attempt.error} {attempt.body[:200]!r}"
                )
        if len(self.confirmed) != self.capacity:
            found.append(f"{len(self.confirmed)} confirmed rows for {self.capacity} places")
        if self.confirmed_count != len(self.confirmed):
            found.append(f"confirmed_count {self.confirmed_count} != {len(self.confirmed)} rows")
        expected_waiting = len(self.attempts) - self.capacity
        if len(self.waiting) != expected_waiting:
            found.append(f"{len(self.waiting)} waiting, expected {expected_waiting}")
        # Each change queued its email in the same transaction: one per person, of the right kind.
        if self.mail.get("ticket_confirmed", 0) != len(self.confirmed):
            found.append(f"{self.mail} emails for {len(self.confirmed)} tickets")
        if self.mail.get("waiting_list", 0) != len(self.waiting):
            found.append(f"{self.mail} emails for {len(self.waiting)} people waiting")
        if len(self.rows) != len({row.email for row in self.rows}):
            found.append("some address holds two registrations")
        positions = [self.page_positions.get(row.link_token) for row in self.waiting]
        if sorted(p or 0 for p in positions) != list(range(1, len(self.waiting) + 1)):
            found.append(f"waiting positions are not 1..{len(self.waiting)}: {sorted(positions)}")
        # Positions must follow arrival: the time the sign-up was made, ties by id.
        in_arrival_order = sorted(self.waiting, key=lambda row: (row.waiting_since, row.id))
        by_position = sorted(self.waiting, key=lambda r: self.page_positions.get(r.link_token, 0))
        if [r.id for r in in_arrival_order] != [r.id for r in by_position]:
            found.append("waiting-list positions do not follow arrival order")
        return found


def read_outcome(
    database_url: str, base_url: str, slug: str, capacity: int, attempts: list[Attempt]
) -> Outcome:
    """Read the event's registrations, and each waiting person's position from their ticket page."""
    engine = sa.create_engine(_sa_url(database_url))
    try:
        with engine.connect() as conn:
            event_id, confirmed_count = conn.execute(
                sa.text("SELECT id, confirmed_count FROM events WHERE slug = :slug"),
                {"slug": slug},
            ).one()
            rows = [
                StoredRow(*row)
                for row in conn.execute(
                    sa.text(
                        "SELECT id, email_normalised, status, manage_token, waiting_since "
                        "FROM registrations WHERE event_id = :event ORDER BY id"
                    ),
                    {"event": event_id},
                )
            ]
            mail = dict(
                conn.execute(
                    sa.text(
                        "SELECT kind, count(*) FROM outbox_messages WHERE event_id = :event"
                        " GROUP BY kind"
                    ),
                    {"event": event_id},
                ).all()
            )
    finally:
        engine.dispose()
    page_positions: dict[str, int] = {}
    reader = Attempt("reader@example.com")
    for row in rows:
        if row.status == "waiting":
            status, html = reader.get(f"{base_url}/tickets/{row.link_token}")
            match = POSITION_RE.search(html)
            if status == 200 and match:
                page_positions[row.link_token] = int(match.group(1))
    return Outcome(capacity, attempts, rows, confirmed_count, page_positions, mail)


def storm(server_url: str, database_url: str, slug: str, *, capacity: int, people: int) -> Outcome:
    """Sign `people` different addresses up at once and read back what happened."""
    emails = [f"person{n}@example.com" for n in range(people)]
    attempts = fire_signups(server_url, slug, emails)
    return read_outcome(database_url, server_url, slug, capacity, attempts)
