"""Mail figures for `make bench`: outbox delivery speed, and sign-ups with a slow mail server.

`main()` prints the figures and returns them as a dict; it asserts nothing. Targets:
- 10,000 queued invitations delivered to a local SMTP server in under 60 seconds;
- sign-up p95 with a mail server taking 2 s per message within 20% of the p95 with an
  instant one (mail is sent after the commit, off the request path).

The SMTP sink runs in its own process (`python -m bench.mail --sink`), so receiving mail does
not compete with sending it for this process's interpreter lock.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DELIVERY_COUNT = 10_000
SLOW_SECONDS = 2.0
SIGN_UPS = 120
ROUNDS = 3
SIGN_UP_CLIENTS = 8
# Sending threads in one process, each with its own SMTP connection: they overlap the waits
# for the server's replies (the claim keeps them from sending anything twice).
SENDER_THREADS = 2


# ---------------------------------------------------------------- the SMTP sink process


def _run_sink(port: int, delay: float) -> None:
    """Accept mail on loopback, waiting `delay` seconds per message; print the count on exit."""
    from aiosmtpd.controller import Controller

    received = 0
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:
            nonlocal received
            if delay:
                await asyncio.sleep(delay)
            with lock:
                received += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    print(f"received {received}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """A running sink process; `stop()` returns how many messages it accepted."""

    def __init__(self, delay: float) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.mail", "--sink", str(self.port), str(delay)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        for line in out.splitlines():
            if line.startswith("received "):
                return int(line.split()[1])
        return -1


@contextmanager
def sink(delay: float = 0.0) -> Iterator[Sink]:
    running = Sink(delay)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()


# ---------------------------------------------------------------- shared set-up


def _app(url: str, workdir: Path, **overrides):
    from nclw import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "QUESTION_ASKER_KEY": secrets.token_urlsafe(48),
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "MAIL_SEND_AFTER_COMMIT": False,
            "MAIL_FILE_DIRECTORY": str(workdir / "mail"),
            **overrides,
        }
    )


def _event(slug: str, capacity: int | None):
    from bench.seed import make_bench_event
    from nclw.events.models import Edition, Organisation, OrganisationKind
    from nclw.extensions import db
    from nclw.timezones import utcnow

    today = utcnow().date()
    edition = Edition(
        year=today.year + 50,
        theme="Benchmark week",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    host = Organisation(name=f"Benchmark host {slug}", kind=OrganisationKind.CHARITY)
    db.session.add_all([edition, host])
    db.session.flush()
    return make_bench_event(edition, host, slug, capacity)


def _registrations(event, count: int) -> None:
    import sqlalchemy as sa

    from nclw.extensions import db
    from nclw.registrations.models import Registration, RegistrationStatus
    from nclw.timezones import utcnow

    now = utcnow()
    rows = [
        {
            "event_id": event.id,
            "first_name": f"Person {n}",
            "email": f"mail-bench-{n}@example.org",
            "email_normalised": f"mail-bench-{n}@example.org",
            "status": RegistrationStatus.CONFIRMED,
            "reference": f"M{n:09d}",
            "manage_token": secrets.token_urlsafe(32),
            "created_at": now,
            "confirmed_at": now,
            "discreet": n % 5 == 0,
        }
        for n in range(count)
    ]
    db.session.execute(sa.insert(Registration), rows)
    event.confirmed_count = count
    db.session.commit()


# ---------------------------------------------------------------- 1. delivery throughput


def _drain_in_threads(app, send_pending, workers: int) -> list:
    """`workers` senders, each with its own SMTP connection and database session."""
    reports: list = []

    def worker() -> None:
        with app.app_context():
            reports.append(send_pending(batch_size=250))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports


def bench_delivery(count: int = DELIVERY_COUNT, workers: int = SENDER_THREADS) -> dict:
    """Queue `count` ticket emails with invites; time the sender writing and delivering them."""
    import sqlalchemy as sa

    from nclw.extensions import db
    from nclw.mail.delivery import send_pending
    from nclw.mail.outbox import queue_email_to_compose
    from nclw.registrations.models import Registration

    workdir = Path(tempfile.mkdtemp(prefix="nclw-mail-bench-"))
    try:
        with sink(0.0) as smtp:
            app = _app(
                f"sqlite:///{workdir / 'mail.sqlite'}",
                workdir,
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=smtp.port,
            )
            with app.app_context():
                db.create_all()
                event = _event("mail-bench", None)
                _registrations(event, count)
                started = time.perf_counter()
                people = db.session.execute(
                    sa.select(Registration.id, Registration.email).order_by(Registration.id)
                ).all()
                # Queued as sign-ups queue them: the sender writes each email and invite.
                for n, (person_id, email) in enumerate(people, 1):
                    queue_email_to_compose(
                        "ticket_confirmed",
                        to_address=email,
                        registration_id=person_id,
                        event_id=event.id,
                    )
                    if n % 500 == 0:
                        db.session.commit()
                db.session.commit()
                queue_seconds = time.perf_counter() - started

                db.session.remove()
                started = time.perf_counter()
                cpu_started = time.process_time()
                reports = _drain_in_threads(app, send_pending, workers)
                deliver_seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                db.engine.dispose()
            received = smtp.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "messages": count,
        "queue_seconds": round(queue_seconds, 2),
        "deliver_seconds": round(deliver_seconds, 2),
        "messages_per_second": round(count / deliver_seconds, 1),
        "sender_threads": workers,
        "sender_cpu_seconds": round(cpu_seconds, 2),
        "sent": sum(report.sent for report in reports),
        "received_by_server": received,
        "target_seconds": 60,
        "met_target": deliver_seconds < 60 and received == count,
        "load_average_1m": os.getloadavg()[0],
    }


# ---------------------------------------------------------------- 2. sign-up latency


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _sign_up_run(delay: float, sign_ups: int, clients: int) -> dict:
    from bench.client import fire_sign_ups, prepare_sign_ups
    from nclw.extensions import db
    from tests.support.live_server import live_server

    workdir = Path(tempfile.mkdtemp(prefix="nclw-signup-mail-bench-"))
    try:
        with sink(delay) as smtp:
            url = f"sqlite:///{workdir / 'signup.sqlite'}"
            app = _app(url, workdir)
            with app.app_context():
                db.create_all()
                slug = _event("mail-latency", None).slug
                db.session.remove()
                db.engine.dispose()
            env = {
                "NCLW_ENV": "production",
                "NCLW_INSTANCE_PATH": str(workdir),
                "SECRET_KEY": secrets.token_urlsafe(48),
                "QUESTION_ASKER_KEY": secrets.token_urlsafe(48),
                "DATABASE_URL": url,
                "RATELIMIT_ENABLED": "0",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(smtp.port),
                "MAIL_SEND_AFTER_COMMIT": "1",
                "FLASK_DEBUG": "0",
            }
            with live_server(env, workers=2) as server:
                prepared = asyncio.run(
                    prepare_sign_ups(server.host, server.port, slug, sign_ups, email_prefix="m")
                )
                seconds, replies = asyncio.run(
                    fire_sign_ups(server.host, server.port, slug, prepared, clients=clients)
                )
            received = smtp.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "latencies": [reply.seconds for reply in replies],
        "statuses": [reply.status for reply in replies],
        "wall_seconds": seconds,
        "mail_received_during_run": received,
    }


def _summary(delay: float, runs: list[dict]) -> dict:
    latencies = [value for run in runs for value in run["latencies"]]
    statuses: dict[int, int] = {}
    for run in runs:
        for status in run["statuses"]:
            statuses[status] = statuses.get(status, 0) + 1
    return {
        "mail_server_seconds_per_message": delay,
        "sign_ups": len(latencies),
        "statuses": statuses,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_p95(latencies) * 1000, 1),
        "mail_received_during_runs": sum(run["mail_received_during_run"] for run in runs),
    }


def bench_sign_up_latency(
    sign_ups: int = SIGN_UPS, clients: int = SIGN_UP_CLIENTS, rounds: int = ROUNDS
) -> dict:
    """Sign-up p95 with an instant mail server and with one taking 2 s per message.

    The two are interleaved round by round, so drift in the machine's load hits both alike.
    """
    instant_runs, slow_runs = [], []
    for _ in range(rounds):
        instant_runs.append(_sign_up_run(0.0, sign_ups, clients))
        slow_runs.append(_sign_up_run(SLOW_SECONDS, sign_ups, clients))
    instant = _summary(0.0, instant_runs)
    slow = _summary(SLOW_SECONDS, slow_runs)
    ratio = slow["p95_ms"] / instant["p95_ms"] if instant["p95_ms"] else float("inf")
    return {
        "instant": instant,
        "slow": slow,
        "p95_ratio_slow_to_instant": round(ratio, 3),
        "target_ratio": 1.2,
        "met_target": ratio <= 1.2,
    }


def main() -> dict:
    """Run both mail benchmarks, print the figures, and return them."""
    print("Mail: delivering queued invitations to a local SMTP server ...", flush=True)
    delivery = bench_delivery()
    print(
        f"  {delivery['messages']:,} invitations delivered in {delivery['deliver_seconds']} s "
        f"({delivery['messages_per_second']:,} per second; target under 60 s); "
        f"server received {delivery['received_by_server']:,}. "
        f"Queueing them took {delivery['queue_seconds']} s.",
        flush=True,
    )
    print("Mail: sign-up latency with an instant and a 2-second mail server ...", flush=True)
    latency = bench_sign_up_latency()
    for name in ("instant", "slow"):
        run = latency[name]
        print(
            f"  {name}: p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms over "
            f"{run['sign_ups']} sign-ups ({SIGN_UP_CLIENTS} clients, {ROUNDS} rounds), "
            f"statuses {run['statuses']}, "
            f"mail received during the runs {run['mail_received_during_runs']}",
            flush=True,
        )
    print(
        f"  p95 slow / instant = {latency['p95_ratio_slow_to_instant']} (target at most 1.2)",
        flush=True,
    )
    return {"delivery": delivery, "sign_up_latency": latency}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "DELAY"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.sink:
        _run_sink(int(arguments.sink[0]), float(arguments.sink[1]))
    else:
        os.environ.setdefault("NCLW_ENV", "development")
        main()
