"""Two app servers behind nginx, one database: announcement day's burst of sign-ups.

Two gunicorn masters, each with its own sync workers, behind nginx running deploy/nginx.conf
with both as upstream servers. Each runs on a network host of its own where the machine
allows it (a network namespace joined by a virtual cable: bench/netns.py), else on two
loopback ports. Both share PostgreSQL and Redis (the rate limits' store); a mail sender
(`flask nclw send-mail --loop`, as deploy/systemd/nclw-mail.service runs it) sits beside
each, on its host, and both deliver to one SMTP server on this machine.

Then: a burst of sign-ups through nginx at one event, each visitor from an address of their
own; exactly capacity confirmed, no 5xx; both servers show the event full; one address's
sign-ups spread over both servers meet one shared limit; every email queued is received once.
Last, the week page through nginx's micro-cache against nginx serving the same bytes as a
static file, with wrk in the same run.

`python -m bench.two_servers` runs it alone; `make bench` runs it too (bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from bench import netns
from bench.burst import (
    FULL_WORDING,
    SIGN_UP_LIMIT,
    finished_emails,
    mail_tally,
    places_shown,
    rate_limit_check,
    run_burst,
    tickets,
    wait_for_outbox,
)
from bench.netns import APP_PORT, AppHost, app_hosts
from bench.run import app_for, ensure_wrk
from bench.seed import make_bench_event, seed_week
from bench.week_vs_static import week_against_static
from nclw.events.models import Edition, Event, Organisation
from nclw.extensions import db
from tests.deploy.nginx import RunningNginx, nginx_binary, nginx_running
from tests.support.live_server import PROJECT_ROOT, LiveServer, venv_script
from tests.support.postgres import check_server, throwaway_database
from tests.support.smtp import SmtpSink, smtp_sink

# A Redis database nobody else uses: the rate limits of both servers are counted there.
LIMITS_STORE = "redis://127.0.0.1:6379/7"


def site_env(database_url: str, instance: Path) -> dict[str, str]:
    """Production settings for both servers and both senders: one secret key (a form fetched
    from one server is posted to the other), limits on and shared, one proxy in front."""
    return {
        "NCLW_ENV": "production",
        "NCLW_INSTANCE_PATH": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "QUESTION_ASKER_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": LIMITS_STORE,
        "TRUSTED_PROXIES": "1",
        # The senders deliver everything: nothing goes out from a web worker's thread.
        "MAIL_SEND_AFTER_COMMIT": "0",
        "FLASK_DEBUG": "0",
    }


class MailSender:
    """`flask nclw send-mail --loop` in a process of its own, as systemd would run it."""

    def __init__(self, env: dict[str, str], log: Path, run_as: list[str] | None = None) -> None:
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [*(run_as or []), str(venv_script("flask")), "--app", "wsgi", "nclw", "send-mail"]
            + ["--loop", "--interval", "0.5"],
            cwd=PROJECT_ROOT,
            # Unbuffered: its log is read when it has stopped, whichever way it stopped.
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def terminate(self) -> None:
        """Ask it to stop as systemd would (SIGTERM: it finishes the batch in hand)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """Stop it and wait until it has; how many emails it sent."""
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return sum(
            int(line.split()[1].rstrip(","))
            for line in self.log.read_text(errors="replace").splitlines()
            if line.startswith("Sent ")
        )


@dataclass
class TwoServerSite:
    """Everything running: nginx, the two app servers, their senders and the mail server."""

    nginx: RunningNginx
    servers: list[LiveServer]
    senders: list[MailSender]
    sink: SmtpSink
    engine: sa.Engine
    done_before: frozenset[int]  # outbox rows sent before the senders started (the seed's)
    hosts: list[AppHost] | None = None  # the servers' own network hosts, if they have them

    def stop_senders(self) -> list[int]:
        """Stop both senders; how many emails each sent."""
        return _stop_senders(self.senders)

    def message_ids(self) -> list[str]:
        """The Message-ID of every email the mail server took."""
        return [str(message.message.get("Message-ID", "")) for message in self.sink.messages]


@contextmanager
def two_server_site(
    env: dict[str, str],
    folder: Path,
    *,
    workers: int = 2,
    static: Path | None = None,
    connections: int = 1024,
    separate_hosts: bool = False,
) -> Iterator[TwoServerSite]:
    """Two gunicorn masters, nginx in front, a mail sender beside each, on `env`'s database;
    with `separate_hosts`, each server and its sender on a network host of its own
    (bench/netns.py) where this machine allows it."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    url = env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with ExitStack() as stack:
        stack.callback(engine.dispose)
        sink = stack.enter_context(smtp_sink())
        env = {**env, **sink.env()}
        done_before = finished_emails(engine)
        hosts = (
            stack.enter_context(app_hosts(2, _service_ports(env, sink))) if separate_hosts else None
        )
        # Each server and its sender on a host of its own when the machine allows it.
        places = hosts or [None, None]
        envs = [place.env(env) if place else env for place in places]
        # First: they need only the database and the mail server, and take seconds to start.
        senders = [
            MailSender(envs[n], folder / f"sender-{n + 1}.log", place.run_as if place else None)
            for n, place in enumerate(places)
        ]
        stack.callback(_stop_senders, senders)
        servers = [
            LiveServer(
                envs[n],
                workers=workers,
                extra_args=["--backlog", "2048"],
                **(
                    {"host": place.address, "port": APP_PORT, "run_as": place.run_as}
                    if place
                    else {}
                ),
            )
            for n, place in enumerate(places)
        ]
        # Started and stopped side by side: each takes seconds on a busy machine.
        stack.callback(_side_by_side, [server.stop for server in servers])
        _side_by_side([partial(server.start, 60) for server in servers])
        nginx = stack.enter_context(
            nginx_running(
                binary,
                folder / "nginx",
                app_ports=[
                    f"{server.host}:{server.port}" if hosts else server.port for server in servers
                ],
                static=static,
                connections=connections,
            )
        )
        yield TwoServerSite(nginx, servers, senders, sink, engine, done_before, hosts)


def _service_ports(env: dict[str, str], sink: SmtpSink) -> list[int]:
    """The ports of this machine's services that an app host must reach: the database,
    the rate limits' store and the mail server."""
    database = sa.engine.make_url(env["DATABASE_URL"]).port or 5432
    limits = sa.engine.make_url(env["RATELIMIT_STORAGE_URI"]).port or 6379
    return [database, limits, sink.port]


def _stop_senders(senders: list[MailSender]) -> list[int]:
    """Stop the senders together (each finishes its batch); how many emails each sent."""
    for sender in senders:
        sender.terminate()
    return [sender.stop() for sender in senders]


def _side_by_side(calls: list[Callable[[], object]]) -> None:
    """Run `calls` in threads at once; raise the first error once all have finished."""
    with ThreadPoolExecutor(len(calls)) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()


def check_burst(site: TwoServerSite, slug: str, rate_slug: str, burst) -> dict:
    """Everything that must hold after the burst, measured (asserting is the caller's)."""
    shown = {server.url: places_shown(server.url, slug) for server in site.servers}
    rate = rate_limit_check([server.url for server in site.servers], rate_slug)
    outbox = wait_for_outbox(site.engine)
    per_sender = site.stop_senders()
    return {
        "burst": burst.figures(),
        "tickets": tickets(site.engine, slug),
        "places_shown": shown,
        "both_show_full": all(
            page == {"week": FULL_WORDING, "event": FULL_WORDING} for page in shown.values()
        ),
        "rate_limit": rate,
        "outbox": dict(outbox),
        "mail": {
            **mail_tally(site.engine, site.message_ids(), done_before=site.done_before),
            "sent_by_sender": per_sender,
        },
    }


# ---------------------------------------------------------------- make bench


def _seed(url: str, workdir: Path, capacity: int) -> tuple[str, str]:
    """The demo week filled out (bench.seed), the burst's event among the week's sessions,
    and a roomy event for the rate-limit check; their slugs."""

    app = app_for(url, workdir)
    with app.app_context():
        seed_week(registrations=2_000)
        edition = db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()))
        host = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        beside = db.session.scalar(sa.select(Event).where(Event.slug == "week-session-0"))
        event = make_bench_event(edition, host, "announcement-day", capacity)
        # On a day of the week, so its card is on the week page.
        event.starts_at, event.ends_at = beside.starts_at, beside.ends_at
        make_bench_event(edition, host, "rate-limit-check", None)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return "announcement-day", "rate-limit-check"


def run(
    *,
    sign_ups: int = 1_000,
    capacity: int = 300,
    concurrency: int = 50,
    workers: int = 2,
    wrk_runs: int = 3,
    wrk_seconds: int = 5,
    connections: int = 32,
) -> dict:
    """Set everything up on a database of its own, run the burst and the checks, measure the
    week page against a static file; the figures (printed as they come)."""

    ok, reason = check_server()
    if not ok:
        raise RuntimeError(f"PostgreSQL is not reachable: {reason}")
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="nclw-two-servers-") as tmp,
        throwaway_database() as url,
    ):
        workdir = Path(tmp)
        static = workdir / "static"
        static.mkdir()
        slug, rate_slug = _seed(url, workdir, capacity)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
        with two_server_site(
            site_env(url, workdir), workdir, workers=workers, static=static, separate_hosts=True
        ) as site:
            where = ", ".join(f"{s.host}:{s.port}" for s in site.servers)
            hosts = (
                "each in a network namespace of its own"
                if site.hosts
                else f"on this machine's loopback ({netns.available()})"
            )
            print(f"  two servers ({workers} workers each) at {where}, {hosts}", flush=True)
            figures_hosts = [host.name for host in site.hosts] if site.hosts else []
            burst = run_burst(site.nginx.url, slug, sign_ups, concurrency=concurrency)
            figures = check_burst(site, slug, rate_slug, burst)
            _print_checks(figures)
            wrk = ensure_wrk()
            if wrk:
                figures["week_vs_static"] = week_against_static(
                    wrk,
                    site.nginx,
                    static,
                    runs=wrk_runs,
                    seconds=wrk_seconds,
                    connections=connections,
                )
                ratio = figures["week_vs_static"]
                print(
                    f"  week page via nginx {ratio['week_rate']:,} req/s, static file of the "
                    f"same {ratio['bytes']:,} bytes {ratio['static_rate']:,} req/s: ratio "
                    f"{ratio['ratio']:.0%} (target at least 80%); nginx CPU per request "
                    f"{ratio['week_nginx_cpu_us']} µs against {ratio['static_nginx_cpu_us']} "
                    f"µs: {ratio['cpu_ratio']:.0%}",
                    flush=True,
                )
    figures.update(
        separate_hosts=figures_hosts,
        workers_per_server=workers,
        concurrency=concurrency,
        seconds=round(time.perf_counter() - started, 1),
        load_average_1m=round(os.getloadavg()[0], 2),
    )
    figures["met_target"] = met_target(figures)
    return figures


def met_target(figures: dict) -> bool:
    """Confirmed = capacity, no 5xx, both servers show it full, the limit shared, every email
    sent once."""
    tickets_, mail, rate = figures["tickets"], figures["mail"], figures["rate_limit"]
    return (
        tickets_["confirmed"] == tickets_["capacity"] == tickets_["confirmed_count"]
        and figures["burst"]["server_errors"] == 0
        and figures["both_show_full"]
        and rate["accepted"] == SIGN_UP_LIMIT
        and rate["refused"] == rate["attempts"] - SIGN_UP_LIMIT
        and mail["queued"] == mail["received"]
        and mail["sent_twice"] == mail["never_received"] == mail["unexpected"] == 0
    )


def _print_checks(figures: dict) -> None:
    burst, tickets_, mail, rate = (
        figures["burst"],
        figures["tickets"],
        figures["mail"],
        figures["rate_limit"],
    )
    print(
        f"  burst: {burst['attempts']} sign-ups through nginx, {burst['sign_ups_per_second']}/s,"
        f" p50 {burst['p50_ms']} ms, p99 {burst['p99_ms']} ms, statuses {burst['statuses']},"
        f" forms {burst['form_statuses']}, 5xx {burst['server_errors']}",
        flush=True,
    )
    print(
        f"  confirmed {tickets_['confirmed']}/{tickets_['capacity']} (counter "
        f"{tickets_['confirmed_count']}), waiting {tickets_['waiting']}",
        flush=True,
    )
    for url, shown in figures["places_shown"].items():
        print(f"  {url}: week page {shown['week']!r}, event page {shown['event']!r}", flush=True)
    print(
        f"  one address, {rate['attempts']} sign-ups over both servers: {rate['accepted']} "
        f"accepted, {rate['refused']} refused (limit {rate['limit']}); {rate['per_server']}",
        flush=True,
    )
    print(
        f"  mail: {mail['queued']} queued, {mail['received']} received, sent twice "
        f"{mail['sent_twice']}, never received {mail['never_received']}, unexpected "
        f"{mail['unexpected']}, by sender "
        f"{mail['sent_by_sender']}; outbox {figures['outbox']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Run it alone; with --json, end with the figures as one JSON line (for bench/run.py)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sign-ups", type=int, default=1_000)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk-runs", type=int, default=3)
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(
        sign_ups=args.sign_ups,
        capacity=args.capacity,
        concurrency=args.concurrency,
        workers=args.workers,
        wrk_runs=args.wrk_runs,
        wrk_seconds=args.wrk_seconds,
        connections=args.connections,
    )
    print(
        f"  burst target (confirmed = capacity, no 5xx, both full, one limit, every email "
        f"once) met: {figures['met_target']}; {figures['seconds']} s in all",
        flush=True,
    )
    if args.json:
        print(json.dumps(figures, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
