"""A burst of sign-ups from many visitors at once, and what to check once it is over.

Used by `bench/two_servers.py` (1,000 sign-ups through nginx in front of two app servers) and
by its small version in tests/deploy/. Every visitor sends from a loopback address of their
own (all of 127.0.0.0/8 is this machine), so nginx passes a different X-Forwarded-For for
each and the per-address rate limit counts each apart, as it would on announcement day.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from bench.client import CSRF_FIELD, Reply, request
from nclw.events.models import Event
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import Registration, RegistrationStatus

# What a full event shows where its places are counted (nclw.events.services.availability).
FULL_WORDING = "Waiting list open"
# The sign-up form's limit per address (nclw/registrations/views.py, register).
SIGN_UP_LIMIT = 30
# make_msgid(idstring=f"outbox{row.id}") in nclw/mail/wire.py: the row each email came from.
OUTBOX_ID = re.compile(r"\.outbox(\d+)@")


# The /16 blocks of 127.0.0.0/8 the visitors come from: the burst's and the rate check's
# apart, so that the check's one address can never be a visitor who signed up in the burst
# (drawn from one range, they met about once in 250 runs, and the check then counted one
# sign-up too many).
BURST_BLOCKS = range(2, 202)
CHECK_BLOCKS = range(202, 252)


def visitor_addresses(count: int, blocks: range = BURST_BLOCKS) -> list[str]:
    """`count` distinct loopback addresses in a /16 of `blocks` picked at random for this run.

    Rate limits count per address for a minute in the shared store: a block of its own keeps
    this run's counts apart from an earlier run's (and from other tests' 127.0.0.1)."""
    assert count <= 250 * 256
    block = blocks[secrets.randbelow(len(blocks))]
    return [f"127.{block}.{n // 250}.{n % 250 + 1}" for n in range(count)]


def _where(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


@dataclass
class Form:
    """One visitor's sign-up form, fetched: their address, session cookie and form body."""

    source: str
    cookie: str
    body: bytes


async def _fetch_form(url: str, slug: str, source: str, email: str) -> Form | Reply:
    """GET the sign-up form from `source`; the form to post, or the reply when it failed."""
    host, port = _where(url)
    reply = await request(host, port, "GET", f"/events/{slug}/register", source=source)
    match = CSRF_FIELD.search(reply.body) if reply.status == 200 else None
    if not match:
        return reply
    form = {
        "csrf_token": (match.group(1) or match.group(2)).decode(),
        "first_name": "Burst",
        "email": email,
        "declared_care_experienced": "y",
    }
    cookie = "; ".join(f"{key}={value}" for key, value in reply.cookies().items())
    return Form(source, cookie, urlencode(form).encode())


async def _post_form(url: str, slug: str, form: Form) -> Reply:
    host, port = _where(url)
    return await request(
        host,
        port,
        "POST",
        f"/events/{slug}/register",
        body=form.body,
        headers={"Cookie": form.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        source=form.source,
    )


async def _limited(concurrency: int, jobs):
    """Run the coroutines `jobs`, at most `concurrency` at a time; their results in order."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(job):
        async with semaphore:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


@dataclass
class Burst:
    """What the visitors were answered."""

    attempts: int
    seconds: float  # from the first sign-up sent to the last answered
    statuses: Counter[int] = field(default_factory=Counter)  # of the sign-ups
    form_statuses: Counter[int] = field(default_factory=Counter)  # of the forms fetched first
    latencies: list[float] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        """5xx answers, to the forms and to the sign-ups."""
        every = self.statuses + self.form_statuses
        return sum(count for status, count in every.items() if status >= 500)

    def figures(self) -> dict:
        ordered = sorted(self.latencies) or [float("nan")]
        return {
            "attempts": self.attempts,
            "seconds": round(self.seconds, 2),
            "sign_ups_per_second": round(self.attempts / self.seconds, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "form_statuses": dict(sorted(self.form_statuses.items())),
            "server_errors": self.server_errors,
        }


def run_async(go):
    """`asyncio.run(go())`, also where this thread's event loop is already running (as in a
    test process where a browser test ran first): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(go())).result()


def run_burst(url: str, slug: str, count: int, *, concurrency: int = 50) -> Burst:
    """`count` visitors, each from an address of their own, fetch the form at `url` (nginx),
    then all post it, `concurrency` at a time: the POSTs are the burst."""
    sources = visitor_addresses(count)
    emails = [f"burst-{secrets.token_hex(3)}-{n}@example.org" for n in range(count)]

    async def go() -> Burst:
        fetched = await _limited(
            concurrency,
            [
                _fetch_form(url, slug, source, email)
                for source, email in zip(sources, emails, strict=True)
            ],
        )
        forms = [item for item in fetched if isinstance(item, Form)]
        started = time.perf_counter()
        replies = await _limited(concurrency, [_post_form(url, slug, form) for form in forms])
        burst = Burst(count, time.perf_counter() - started)
        burst.form_statuses.update(
            200 if isinstance(item, Form) else item.status for item in fetched
        )
        burst.statuses.update(reply.status for reply in replies)
        burst.latencies = [reply.seconds for reply in replies]
        return burst

    return run_async(go)


def rate_limit_check(server_urls: list[str], slug: str, *, attempts: int = 40) -> dict:
    """`attempts` sign-ups from ONE address, sent to each app server in turn (straight to
    gunicorn, so each server surely gets its share): with the count shared, SIGN_UP_LIMIT are
    taken in all and the rest refused with 429; counted per server, each would take more."""
    source = visitor_addresses(1, CHECK_BLOCKS)[0]
    emails = [f"limit-{secrets.token_hex(3)}-{n}@example.org" for n in range(attempts)]

    async def go() -> list[tuple[str, int]]:
        answers = []
        for n, email in enumerate(emails):
            url = server_urls[n % len(server_urls)]
            form = await _fetch_form(url, slug, source, email)
            if isinstance(form, Reply):
                answers.append((url, form.status))
                continue
            answers.append((url, (await _post_form(url, slug, form)).status))
        return answers

    answers = run_async(go)
    per_server = {
        url: dict(Counter(s for where, s in answers if where == url)) for url in server_urls
    }
    statuses = Counter(status for _, status in answers)
    return {
        "attempts": attempts,
        "limit": SIGN_UP_LIMIT,
        "accepted": statuses.get(200, 0),
        "refused": statuses.get(429, 0),
        "other": sum(n for status, n in statuses.items() if status not in (200, 429)),
        "per_server": per_server,
    }


def places_shown(url: str, slug: str) -> dict[str, str]:
    """What the week page's card for the event and the event's own page say of its places,
    asked of one server (without a cookie, as a visitor arriving from a link)."""
    host, port = _where(url)

    async def go() -> tuple[Reply, Reply]:
        week = await request(host, port, "GET", "/")
        event = await request(host, port, "GET", f"/events/{slug}")
        return week, event

    week, event = run_async(go)
    card = next(
        (
            found
            for found in re.findall(r'<li class="event-card">.*?</li>', week.body.decode(), re.S)
            if f'/events/{slug}"' in found
        ),
        "",
    )
    tag = re.search(r'<p class="tag">\s*(.*?)\s*</p>', card, re.S)
    places = re.search(r"<dt>Places</dt><dd>\s*(.*?)\s*</dd>", event.body.decode(), re.S)
    return {
        "week": tag.group(1) if tag else f"(not on the week page: {week.status})",
        "event": places.group(1) if places else f"(no places shown: {event.status})",
    }


def tickets(engine: sa.Engine, slug: str) -> dict:
    """The event's tickets as the database holds them, and its counter of confirmed places."""
    with engine.connect() as conn:
        event_id, capacity, counter = conn.execute(
            sa.select(Event.id, Event.capacity, Event.confirmed_count).where(Event.slug == slug)
        ).one()
        rows = dict(
            conn.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.event_id == event_id)
                .group_by(Registration.status)
            ).all()
        )
    return {
        "capacity": capacity,
        "confirmed": rows.get(RegistrationStatus.CONFIRMED, 0),
        "waiting": rows.get(RegistrationStatus.WAITING, 0),
        "confirmed_count": counter,
    }


def outbox_statuses(engine: sa.Engine) -> Counter[str]:
    """How many emails the outbox holds in each state."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    return Counter({str(status): count for status, count in rows})


def wait_for_outbox(engine: sa.Engine, *, timeout: float = 120.0) -> Counter[str]:
    """Wait until nothing waits to be sent (twice in a row, half a second apart); the states."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while True:
        counts = outbox_statuses(engine)
        busy = counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING]
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 2 or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def finished_emails(engine: sa.Engine) -> frozenset[int]:
    """The outbox rows already sent or failed (before the senders start: the seed's own)."""
    done = (MessageStatus.SENT, MessageStatus.FAILED)
    with engine.connect() as conn:
        finished = conn.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.status.in_(done)))
        return frozenset(finished)


def mail_tally(engine: sa.Engine, message_ids: list[str], *, done_before: frozenset[int]) -> dict:
    """Queued (outbox rows, less those finished before the senders started) against received
    (the SMTP server's messages, by the outbox row each Message-ID names): every row sent
    once, none twice, none missing."""
    with engine.connect() as conn:
        queued = set(conn.scalars(sa.select(OutboxMessage.id))) - done_before
    named = [OUTBOX_ID.search(message_id or "") for message_id in message_ids]
    received = Counter(int(found.group(1)) for found in named if found)
    return {
        "queued": len(queued),
        "received": len(message_ids),
        "sent_twice": sum(1 for n in received.values() if n > 1),
        "never_received": len(queued - set(received)),
        # Mail for no row of this run (or with no row's Message-ID): none is expected.
        "unexpected": len(set(received) - queued) + named.count(None),
    }
