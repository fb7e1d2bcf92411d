"""Fire many real sign-ups at once at a gunicorn-served app and check nobody was overbooked.

Used by the SQLite and PostgreSQL concurrency tests, and by their control run against
`tests.e2e.racy_wsgi`, which shows the checks catch a check-then-insert race.

Every accepted sign-up answers the same "Check your email" page, whether it made a ticket, a
waiting-list place or nothing new (the address had a place already), so the page cannot tell
what happened. What happened is read from the database, and from the emails: the outbox is
sent to .eml files afterwards (`flask nclw send-mail`, as with no mail server in development)
and each person's ticket page is opened through the link in their email, as they would.
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import getaddresses
from pathlib import Path

import sqlalchemy as sa

from nclw.addresses import normalise_email
from nclw.mail.dev_mailbox import list_emails
from tests.support.live_server import run_flask
from tests.support.migrated import upgrade_to_heads
from tests.support.tickets import TICKET_LINK

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CHECK_EMAIL = "<h1>Check your email</h1>"
# The Status line of a ticket page: "Confirmed", "On the waiting list (number 3)", "Cancelled".
TICKET_STATUS_RE = re.compile(r"<dt>Status</dt><dd>\s*(.*?)\s*</dd>", re.DOTALL)
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
    upgrade_to_heads(env)
    return add_open_event(env, capacity=capacity)


def add_open_event(env: dict[str, str], *, capacity: int) -> str:
    """Add one open event (with its week and host) to a migrated database; its slug.

    Written with only the columns the first releases had (every later one has a default),
    not through the models: the upgrade tests call this on databases migrated to an older
    revision, whose tables lack what the models have since gained.
    """
    from nclw.dbtypes import UTCDateTime

    now = datetime.now(UTC).replace(microsecond=0)
    starts = now + timedelta(days=5)
    slug = f"open-event-{secrets.token_hex(4)}"
    editions = sa.table(
        "editions",
        *(sa.column(name) for name in ("year", "theme", "summary")),
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
    )
    organisations = sa.table(
        "organisations", sa.column("name"), sa.column("kind"), sa.column("is_partner")
    )
    columns = ("edition_id", "host_id", "slug", "title", "summary", "description", "highlights")
    columns += ("format", "online_url", "capacity", "audience", "status", "confirmed_count")
    columns += ("sequence", "qa_enabled", "qa_askers", "qa_public_list", "partner_moderates")
    events = sa.table(
        "events",
        *(sa.column(name) for name in columns),
        *(sa.column(name, UTCDateTime()) for name in ("starts_at", "ends_at")),
        *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
    )
    engine = sa.create_engine(_sa_url(env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            edition_id = conn.execute(
                sa.select(sa.text("id")).select_from(sa.text("editions")).limit(1)
            ).scalar()
            if edition_id is None:
                edition_id = conn.execute(
                    editions.insert()
                    .values(
                        year=now.year + 1,
                        theme="Care leavers with careers",
                        summary="",
                        starts_on=now.date(),
                        ends_on=(now + timedelta(days=40)).date(),
                    )
                    .returning(sa.literal_column("id"))
                ).scalar_one()
            host_id = conn.execute(
                organisations.insert()
                .values(name=f"Host {slug}", kind="charity", is_partner=False)
                .returning(sa.literal_column("id"))
            ).scalar_one()
            conn.execute(
                events.insert().values(
                    edition_id=edition_id,
                    host_id=host_id,
                    slug=slug,
                    title=f"Open event {slug}",
                    summary="A test event.",
                    description="",
                    highlights="",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1, minutes=30),
                    format="online",
                    online_url="https://meet.example.org/room",
                    capacity=capacity,
                    audience="everyone",
                    status="published",
                    confirmed_count=0,
                    sequence=0,
                    qa_enabled=False,
                    qa_askers="ticket_holders",
                    qa_public_list=False,
                    partner_moderates=False,
                    created_at=now,
                    updated_at=now,
                )
            )
    finally:
        engine.dispose()
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
    return post_together(f"{base_url}/events/{slug}/register", [Attempt(e) for e in emails])


def post_together(form_url: str, attempts: list) -> list:
    """Each attempt fetches the form, then all post at one moment (a barrier releases them).
    Errors are kept on the attempt, for its outcome's problems() to report."""
    start = threading.Barrier(len(attempts))

    def run(attempt) -> None:
        try:
            attempt.fetch_form(form_url)
        except Exception as exc:  # reported later; the barrier must still be reached
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
    reference: str
    status: str
    waiting_since: object


@dataclass
class EmailedLink:
    """One ticket link found in an email, and what its page answered when opened."""

    address: str
    subject: str
    token: str
    page_status: int = 0
    page: str = ""

    @property
    def ticket_status(self) -> str:
        """The Status line of the ticket page, with its whitespace folded ("" if none)."""
        found = TICKET_STATUS_RE.search(self.page)
        return " ".join(found.group(1).split()) if found else ""

    def shows(self, row: StoredRow) -> bool:
        """Whether the link opened this row's ticket: its reference, on a 200 page."""
        return self.page_status == 200 and f'class="reference">{row.reference}<' in self.page


def _answered_check_email(attempt: Attempt) -> bool:
    return (
        not attempt.error
        and attempt.form_status == 200
        and attempt.status == 200
        and CHECK_EMAIL in attempt.body
    )


def _attempt_problem(attempt: Attempt) -> str:
    return (
        f"{attempt.email}: form {attempt.form_status}, post {attempt.status} "
        f"{attempt.error} {attempt.body[:200]!r}"
    )


@dataclass
class Outcome:
    """What the database holds after the storm, what was emailed, and what the links open."""

    capacity: int
    attempts: list[Attempt]
    rows: list[StoredRow]
    confirmed_count: int
    mail: dict[str, int]  # outbox messages for the event, by kind
    links_per_row: dict[int, int]  # ticket_links rows, by registration id
    emailed: list[EmailedLink]

    @property
    def confirmed(self) -> list[StoredRow]:
        return [row for row in self.rows if row.status == "confirmed"]

    @property
    def waiting(self) -> list[StoredRow]:
        return [row for row in self.rows if row.status == "waiting"]

    def links_to(self, row: StoredRow) -> list[EmailedLink]:
        return [link for link in self.emailed if link.address == row.email]

    def position(self, row: StoredRow) -> int | None:
        """The waiting-list number the page at the row's emailed link shows, if any."""
        for link in self.links_to(row):
            found = POSITION_RE.fullmatch(link.ticket_status)
            if link.shows(row) and found:
                return int(found.group(1))
        return None

    def overbooked(self) -> bool:
        return len(self.confirmed) > self.capacity or self.confirmed_count > self.capacity

    def problems(self) -> list[str]:
        """Every way the run broke the rules; empty when nobody was overbooked or lost."""
        found: list[str] = [
            _attempt_problem(attempt)
            for attempt in self.attempts
            if not _answered_check_email(attempt)
        ]
        # Nothing lost: everyone told to check their email has their place in the database.
        stored = {row.email for row in self.rows}
        told = {normalise_email(a.email) for a in self.attempts if _answered_check_email(a)}
        if told - stored:
            found.append(f"told to check their email, but not signed up: {sorted(told - stored)}")
        strangers = stored - {normalise_email(a.email) for a in self.attempts}
        if strangers:
            found.append(f"registrations nobody asked for: {sorted(strangers)}")
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
        if len(self.rows) != len(stored):
            found.append("some address holds two registrations")
        # Each person got one email, with a link of its own that opens their own ticket.
        for row in self.rows:
            links = self.links_to(row)
            if len(links) != 1 or not links[0].shows(row):
                found.append(f"{row.email} ({row.status}): emailed links {links}")
            if self.links_per_row.get(row.id, 0) != len(links):
                found.append(f"{row.email}: {self.links_per_row.get(row.id, 0)} ticket_links rows")
        for row in self.confirmed:
            if not any(link.ticket_status == "Confirmed" for link in self.links_to(row)):
                found.append(f"{row.email}: the emailed ticket page does not say Confirmed")
        positions = [self.position(row) for row in self.waiting]
        if sorted(p or 0 for p in positions) != list(range(1, len(self.waiting) + 1)):
            found.append(f"waiting positions are not 1..{len(self.waiting)}: {sorted(positions)}")
        # Positions must follow arrival: the time the sign-up was made, ties by id.
        in_arrival_order = sorted(self.waiting, key=lambda row: (row.waiting_since, row.id))
        by_position = sorted(self.waiting, key=lambda row: self.position(row) or 0)
        if [r.id for r in in_arrival_order] != [r.id for r in by_position]:
            found.append("waiting-list positions do not follow arrival order")
        return found


def _read_database(database_url: str, slug: str) -> tuple[int, list[StoredRow], dict, dict]:
    """The event's confirmed_count, registrations, outbox messages by kind, links by ticket."""
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
                        "SELECT id, email_normalised, reference, status, waiting_since "
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
            links_per_row = dict(
                conn.execute(
                    sa.text(
                        "SELECT registration_id, count(*) FROM ticket_links"
                        " JOIN registrations ON registrations.id = ticket_links.registration_id"
                        " WHERE registrations.event_id = :event GROUP BY registration_id"
                    ),
                    {"event": event_id},
                ).all()
            )
    finally:
        engine.dispose()
    return confirmed_count, rows, mail, links_per_row


def send_and_open_emails(env: Mapping[str, str], base_url: str) -> list[EmailedLink]:
    """Send the waiting mail to .eml files, then open the ticket link in each email.

    Each link is opened by a browser of its own, as its owner would from their inbox.
    """
    run_flask(["nclw", "send-mail"], env)
    folder = Path(env["NCLW_INSTANCE_PATH"]) / "mail"
    emailed: list[EmailedLink] = []
    for email in list_emails(folder, limit=100_000):
        tokens = set(TICKET_LINK.findall(email.text))
        assert len(tokens) <= 1, f"{email.subject} to {email.to} has two ticket links: {tokens}"
        (address,) = [normalise_email(address) for _, address in getaddresses([email.to])]
        for token in tokens:
            link = EmailedLink(address, email.subject, token)
            link.page_status, link.page = Attempt(address).get(f"{base_url}/tickets/{token}")
            emailed.append(link)
    return emailed


def read_outcome(
    env: Mapping[str, str], base_url: str, slug: str, capacity: int, attempts: list[Attempt]
) -> Outcome:
    """Read the event's registrations, then send the mail and open every emailed ticket link."""
    confirmed_count, rows, mail, _ = _read_database(env["DATABASE_URL"], slug)
    emailed = send_and_open_emails(env, base_url)
    # Links are made as the emails are written, so they are counted once the mail is sent.
    links_per_row = _read_database(env["DATABASE_URL"], slug)[3]
    return Outcome(capacity, attempts, rows, confirmed_count, mail, links_per_row, emailed)


def storm(
    server_url: str, env: Mapping[str, str], slug: str, *, capacity: int, people: int
) -> Outcome:
    """Sign `people` different addresses up at once and read back what happened."""
    emails = [f"person{n}@example.com" for n in range(people)]
    attempts = fire_signups(server_url, slug, emails)
    return read_outcome(env, server_url, slug, capacity, attempts)


@dataclass
class RepeatOutcome:
    """One address signed up many times at once, in different spellings."""

    attempts: list[Attempt]
    rows: list[StoredRow]
    confirmed_count: int
    mail: dict[str, int]  # outbox messages for the event, by kind
    links_per_row: dict[int, int]
    emailed: list[EmailedLink]
    clock_hours: int  # how many clock hours the storm touched

    def problems(self) -> list[str]:
        """Every way the run broke the rules; empty when the address got one ticket."""
        found = [_attempt_problem(a) for a in self.attempts if not _answered_check_email(a)]
        # The page a repeat gets is the page the first got: nobody learns who signed up.
        pages = {_without_address(attempt) for attempt in self.attempts}
        if len(pages) != 1:
            found.append(f"{len(pages)} different pages for one address")
        if any("NCLW-" in attempt.body for attempt in self.attempts):
            found.append("a sign-up page shows a ticket reference")
        addresses = sorted({normalise_email(attempt.email) for attempt in self.attempts})
        if [(row.email, row.status) for row in self.rows] != [(a, "confirmed") for a in addresses]:
            found.append(f"registrations {self.rows} for {addresses}")
            return found
        (row,) = self.rows
        if self.confirmed_count != 1:
            found.append(f"confirmed_count {self.confirmed_count}")
        resent = self.mail.get("ticket_resent", 0)
        if self.mail.get("ticket_confirmed", 0) != 1 or not 1 <= resent <= self.clock_hours:
            found.append(f"emails queued {self.mail}: one ticket, then one repeat an hour")
        # Every email has a new link of its own, and each opens the one ticket.
        subjects = Counter(link.subject.split(":")[0] for link in self.emailed)
        if subjects != Counter({"Your ticket": 1, "Your ticket again": resent}):
            found.append(f"emails sent: {subjects}")
        if len({link.token for link in self.emailed}) != len(self.emailed):
            found.append("two emails carry the same ticket link")
        if self.links_per_row != {row.id: len(self.emailed)}:
            found.append(f"ticket_links {self.links_per_row} for {len(self.emailed)} emails")
        for link in self.emailed:
            if (
                link.address != row.email
                or not link.shows(row)
                or link.ticket_status != "Confirmed"
            ):
                found.append(f"{link.subject}: page {link.page_status} {link.ticket_status!r}")
        return found


def _without_address(attempt: Attempt) -> str:
    """The page with the typed address (shown back, as typed) taken out."""
    return attempt.body.replace(html.escape(attempt.email.strip()), "ADDRESS")


def repeat_storm(
    server_url: str, env: Mapping[str, str], slug: str, emails: list[str]
) -> RepeatOutcome:
    """Sign the same address (spelt as in `emails`) up once per entry, all at once."""
    started = datetime.now(UTC)
    attempts = fire_signups(server_url, slug, emails)
    # The repeat email goes at most once in each clock hour (UTC) the storm touched.
    hours = len({moment.strftime("%Y-%m-%dT%H") for moment in (started, datetime.now(UTC))})
    confirmed_count, rows, mail, _ = _read_database(env["DATABASE_URL"], slug)
    emailed = send_and_open_emails(env, server_url)
    links_per_row = _read_database(env["DATABASE_URL"], slug)[3]
    return RepeatOutcome(attempts, rows, confirmed_count, mail, links_per_row, emailed, hours)
