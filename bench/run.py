"""`make bench`: figures for the week page, the event page, sign-up, export and mail.

Sets up what it needs (a seeded database per backend, gunicorn, wrk), prints the figures
and writes them to docs/benchmarks.md. It never fails the test suite: pytest does not
collect it, and a part that cannot run here is reported and skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import fire_sign_ups, prepare_sign_ups
from bench.two_servers_report import as_markdown as two_servers_section
from bench.two_servers_report import run_two_servers
from bench.workers import as_markdown as worker_lines
from bench.workers import cold_start, worker_memory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
SIGN_UP_CLIENTS = 64


@dataclass
class Figures:
    """Everything measured on one database backend."""

    backend: str
    pages: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    sign_ups: list[dict] = field(default_factory=list)
    export: dict | None = None
    profile: dict | None = None
    week_modes: dict | None = None
    notes: list[str] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    workers: list[dict] = field(default_factory=list)
    cold_start: dict | None = None
    floor: list[float] = field(default_factory=list)  # server CPU ms per do-nothing POST


# ---------------------------------------------------------------- setting up


def ensure_wrk() -> str | None:
    """The wrk binary, installed from Debian when missing and we may; else None."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    return shutil.which("wrk")


def machine_facts() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import gunicorn

    facts = {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "gunicorn": gunicorn.__version__,
    }
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3) as c:
            facts["PostgreSQL"] = c.execute("show server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - a fact we could not read is just left out
        pass
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        facts["wrk"] = (out.stdout or out.stderr).split("\n")[0].strip()
    return facts


@contextmanager
def database(backend: str, workdir: Path):
    """A fresh, empty database URL for `backend`, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite'}"
        return
    from tests.support.postgres import check_server, throwaway_database

    ok, reason = check_server()
    if not ok:
        raise RuntimeError(f"PostgreSQL is not reachable: {reason}")
    with throwaway_database() as url:
        yield url


def app_for(url: str, workdir: Path):
    """An app bound to the benchmark database, for seeding and checking from this process."""
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
        }
    )


def server_env(url: str, workdir: Path) -> dict[str, str]:
    """Production settings, except rate limits (every client here shares one address)."""
    return {
        "NCLW_ENV": "production",
        "NCLW_INSTANCE_PATH": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "QUESTION_ASKER_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
        "MAIL_SEND_AFTER_COMMIT": "0",
        "MAIL_SERVER": "",
        "FLASK_DEBUG": "0",
    }


# ---------------------------------------------------------------- measuring


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by gunicorn's master and workers (user + system).

    Requests per CPU-second does not depend on what else the machine is doing, unlike
    requests per wall-clock second on a shared two-core box.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == master_pid or int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _as_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def load_average() -> str:
    """The 1-minute load average: other work on the machine lowers every figure."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


_DURATION = re.compile(r"([\d.]+)(us|ms|s)\b")


def _seconds(text: str) -> float:
    value, unit = _DURATION.search(text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    server_pid: int,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float]:
    """(requests per second, p99 seconds, server CPU ms per request) from one wrk run."""
    cpu_before = server_cpu_seconds(server_pid)
    sent = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *sent, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = server_cpu_seconds(server_pid) - cpu_before
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return rate, p99, cpu / max(total, 1) * 1000


def week_etag(base: str) -> str:
    """The ETag a cookie-less reader gets with the week page."""
    with urllib.request.urlopen(base + "/") as response:  # noqa: S310 - our own server
        return response.headers["ETag"]


def bench_pages(
    wrk: str,
    base: str,
    targets: dict[str, str | tuple[str, dict[str, str]]],
    figures: Figures,
    runs: int,
    seconds: int,
    connections: int,
    server_pid: int,
) -> None:
    """Requests per second and p99 for each page, interleaved so drift hits all alike.

    A target is a path, or a path and the request headers to send with it."""
    requests = {
        name: (target, {}) if isinstance(target, str) else target
        for name, target in targets.items()
    }
    for path, headers in requests.values():  # warm up: caches filled, code paths hot
        run_wrk(
            wrk,
            base + path,
            seconds=1,
            connections=connections,
            server_pid=server_pid,
            headers=headers,
        )
    for run in range(runs):
        for name, (path, headers) in requests.items():
            rate, p99, cpu_ms = run_wrk(
                wrk,
                base + path,
                seconds=seconds,
                connections=connections,
                server_pid=server_pid,
                headers=headers,
            )
            figures.pages.setdefault(name, []).append((rate, p99, cpu_ms))
            figures.loads.append(_as_float(load_average()))
            print(
                f"  [{figures.backend}] run {run + 1} {name}: {rate:,.0f} req/s, p99 "
                f"{p99 * 1000:.1f} ms, server CPU {cpu_ms:.2f} ms/request, "
                f"load {load_average()}",
                flush=True,
            )


def bench_sign_ups(app, server, figures: Figures, *, runs: int, capacity: int, attempts: int):
    """64 clients sign up for one event at once; every POST carries its own CSRF token.

    One burst first is not counted, as wrk's warm-up second is not for the pages: each
    worker's first sign-up compiles the statements a sign-up runs and renders the "check
    your email" page, which puts the whole first wave of a burst behind it (the first of
    five runs had p99 at 1.4× to 1.9× its p50, the others 1.1× to 1.2×). What a new
    worker's first sign-up costs is measured on its own, in `cold_start`.
    """
    _sign_up_burst(app, server, "sign-up-warm-up", capacity, attempts)
    print(f"  [{figures.backend}] sign-up warm-up burst done (not counted)", flush=True)
    for run in range(runs):
        result = _sign_up_burst(app, server, f"sign-up-rush-{run}", capacity, attempts)
        figures.sign_ups.append(result)
        figures.loads.append(_as_float(result["load"]))
        statuses = result["statuses"]
        print(
            f"  [{figures.backend}] sign-up run {run + 1}: {result['rate']:,.0f}/s, "
            f"p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms, "
            f"statuses {statuses}, confirmed {result['confirmed_rows']}/{capacity} "
            f"(counter {result['confirmed_count']}), waiting {result['waiting_rows']}, "
            f"outbox {result['outbox_rows']}, server CPU {result['cpu_ms']:.2f} ms/sign-up, "
            f"longest wait with no sign-up finished {result['stall'] * 1000:.0f} ms, "
            f"load {result['load']}",
            flush=True,
        )
    # The same forms, sent to a POST that does nothing (bench/wsgi.py): what any form POST
    # of ours costs, whatever its view does. Twice, as the runs above vary by a tenth.
    for run in range(2):
        cpu_ms = _floor_burst(server, "sign-up-warm-up", attempts)
        figures.floor.append(cpu_ms)
        print(
            f"  [{figures.backend}] do-nothing form POST run {run + 1}: "
            f"server CPU {cpu_ms:.2f} ms/request",
            flush=True,
        )


def longest_stall(finished: list[float]) -> float:
    """The longest stretch, in seconds, between one reply finishing and the next.

    In a burst replies finish every few milliseconds. A long stretch with none means the
    whole server stood still (a run's p99 then rises with everything in flight), rather
    than a few requests waiting behind the others."""
    ends = sorted(finished)
    return max((b - a for a, b in itertools.pairwise(ends)), default=0.0)


def _floor_burst(server, slug: str, attempts: int) -> float:
    """Server CPU ms per POST of `attempts` sign-up forms to the do-nothing route."""
    from bench.hello import FLOOR_PATH

    prepared = asyncio.run(
        prepare_sign_ups(server.host, server.port, slug, attempts, email_prefix="floor-")
    )
    cpu_before = server_cpu_seconds(server.pid)
    _seconds, replies = asyncio.run(
        fire_sign_ups(
            server.host, server.port, slug, prepared, clients=SIGN_UP_CLIENTS, path=FLOOR_PATH
        )
    )
    refused = [reply.status for reply in replies if reply.status != 200]
    if refused:
        raise RuntimeError(f"the do-nothing POST was answered {sorted(set(refused))}")
    return (server_cpu_seconds(server.pid) - cpu_before) / len(replies) * 1000


def _sign_up_burst(app, server, slug: str, capacity: int, attempts: int) -> dict:
    """One burst of `attempts` sign-ups for a new event of `capacity` places, and its figures."""
    import sqlalchemy as sa

    from bench.seed import make_bench_event
    from nclw.events.models import Edition, Event, Organisation
    from nclw.extensions import db
    from nclw.mail.models import OutboxMessage
    from nclw.registrations.models import Registration, RegistrationStatus

    with app.app_context():
        edition = db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()))
        host = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        make_bench_event(edition, host, slug, capacity)
        db.session.remove()
    prepared = asyncio.run(
        prepare_sign_ups(server.host, server.port, slug, attempts, email_prefix=f"{slug}-")
    )
    cpu_before = server_cpu_seconds(server.pid)
    seconds, replies = asyncio.run(
        fire_sign_ups(server.host, server.port, slug, prepared, clients=SIGN_UP_CLIENTS)
    )
    cpu_ms = (server_cpu_seconds(server.pid) - cpu_before) / len(replies) * 1000
    statuses: dict[int, int] = {}
    for reply in replies:
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
    latencies = sorted(reply.seconds for reply in replies)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        counted = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.event_id == event.id)
                .group_by(Registration.status)
            ).all()
        )
        outbox = db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.event_id == event.id)
        )
        result = {
            "attempts": attempts,
            "seconds": seconds,
            "rate": attempts / seconds,
            "p50": latencies[len(latencies) // 2],
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "statuses": statuses,
            "capacity": capacity,
            "confirmed_count": event.confirmed_count,
            "confirmed_rows": counted.get(RegistrationStatus.CONFIRMED, 0),
            "waiting_rows": counted.get(RegistrationStatus.WAITING, 0),
            "outbox_rows": outbox,
            "cpu_ms": cpu_ms,
            "stall": longest_stall([reply.finished for reply in replies]),
            "load": load_average(),
        }
        db.session.remove()
    return result


def bench_export(url: str, workdir: Path, figures: Figures, rows: int) -> None:
    """Seed `rows` registrations on one event, then export them in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", url, str(workdir), str(rows)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        figures.notes.append(f"Export not measured: {(out.stderr or out.stdout).strip()[-300:]}")
        print(f"  [{figures.backend}] export not measured:\n{out.stderr[-2000:]}", flush=True)
        return
    figures.export = json.loads(lines[-1])
    print(f"  [{figures.backend}] export: {figures.export}", flush=True)


def bench_backend(backend: str, args, wrk: str | None) -> Figures:
    """Everything for one database backend, on its own fresh database."""
    from bench.seed import seed_week
    from nclw.extensions import db
    from tests.support.live_server import live_server

    figures = Figures(backend)
    with (
        tempfile.TemporaryDirectory(prefix="nclw-bench-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        app = app_for(url, workdir)
        started = time.perf_counter()
        with app.app_context():
            seeded = seed_week(registrations=args.registrations)
            db.session.remove()
        print(f"  [{backend}] seeded in {time.perf_counter() - started:.1f} s", flush=True)
        with live_server(
            server_env(url, workdir),
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            app="bench.wsgi:app",
            extra_args=["--backlog", "2048"],
            timeout=120,
        ) as server:
            if wrk and not args.skip_pages:
                # The week in English (no prefix, no Accept-Language) and in Welsh (/cy/):
                # each language is a page of its own in the caches, so each is measured.
                targets = {
                    "hello": "/__hello/",
                    "week": "/",
                    # A reader (or proxy) whose copy is current: a 304 with no body.
                    "week 304": ("/", {"If-None-Match": week_etag(server.url)}),
                    "week /cy/": "/cy/",
                    "event": f"/events/{seeded['detail_slug']}",
                    # Same for everyone but its form token, which each reader gets their own.
                    "sign-up form": f"/events/{seeded['detail_slug']}/register",
                }
                if args.pages:
                    targets = {k: v for k, v in targets.items() if k in args.pages.split(",")}
                bench_pages(
                    wrk,
                    server.url,
                    targets,
                    figures,
                    args.runs,
                    args.seconds,
                    args.connections,
                    server.pid,
                )
            else:
                figures.notes.append("wrk is not installed: page figures not measured.")
            bench_sign_ups(
                app,
                server,
                figures,
                runs=args.sign_up_runs,
                capacity=args.capacity,
                attempts=args.attempts,
            )
            figures.workers = worker_memory(server.pid)
        figures.cold_start = cold_start(server_env(url, workdir), seeded["detail_slug"])
        print(f"  [{backend}] workers: {figures.workers}; cold start {figures.cold_start}")
        with app.app_context():
            db.engine.dispose()
        if not args.skip_profile:
            from bench.profile_pages import week_page_modes
            from bench.profile_signup import profile_sign_up

            figures.week_modes = week_page_modes(url, workdir)
            print(f"  [{backend}] week page, in-process: {figures.week_modes}", flush=True)
            figures.profile = profile_sign_up(url, workdir)
            print(f"  [{backend}] sign-up profile: {figures.profile}", flush=True)
        if args.export_rows:
            bench_export(url, workdir, figures, args.export_rows)
    return figures


# ---------------------------------------------------------------- reporting


def _median(values):
    return statistics.median(values) if values else float("nan")


def summarise(figures: Figures) -> list[str]:
    """Markdown lines for one backend."""
    lines = [f"### {figures.backend}", ""]
    if figures.loads:
        lines += [
            f"1-minute load average during these runs: {min(figures.loads):.1f} to "
            f"{max(figures.loads):.1f} (2 cores; above 2, other work was competing).",
            "",
        ]
    hello = _median([r[0] for r in figures.pages.get("hello", [])])
    hello_cpu = _median([r[2] for r in figures.pages.get("hello", [])])
    if figures.pages:
        lines += [
            "| Page | Requests/s | p99 | vs bare Flask (req/s) | Server CPU per request "
            "| vs bare Flask (CPU) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, results in figures.pages.items():
            rate = _median([r[0] for r in results])
            p99 = _median([r[1] for r in results])
            cpu = _median([r[2] for r in results])
            ratio = f"{rate / hello:.0%}" if hello else "–"
            cpu_ratio = f"{hello_cpu / cpu:.0%}" if cpu else "–"
            lines.append(
                f"| {name} | {rate:,.0f} | {p99 * 1000:.1f} ms | {ratio} | {cpu:.2f} ms "
                f"| {cpu_ratio} |"
            )
        lines.append("")
        if "week 304" in figures.pages:
            not_modified = _median([r[2] for r in figures.pages["week 304"]])
            cheaper = "less" if not_modified < hello_cpu else "more"
            lines += [
                f"A 304 for the week page (a reader whose copy is current) costs "
                f"{not_modified:.2f} ms of server CPU: {cheaper} than the bare route's full "
                f"response ({hello_cpu:.2f} ms).",
                "",
            ]
    if figures.sign_ups:
        runs = figures.sign_ups
        over = [
            r
            for r in runs
            if r["confirmed_rows"] > r["capacity"] or r["confirmed_count"] != r["confirmed_rows"]
        ]
        lines += [
            f"Sign-up, {SIGN_UP_CLIENTS} concurrent clients, {runs[0]['attempts']} real form "
            f"POSTs with CSRF tokens on one event of capacity {runs[0]['capacity']}, "
            f"{len(runs)} runs:",
            "",
            f"- sign-ups per second (median): **{_median([r['rate'] for r in runs]):,.0f}**",
            f"- p50 / p99 latency (median): {_median([r['p50'] for r in runs]) * 1000:.0f} ms"
            f" / **{_median([r['p99'] for r in runs]) * 1000:.0f} ms**",
            "- confirmed afterwards: "
            + ", ".join(f"{r['confirmed_rows']}/{r['capacity']}" for r in runs)
            + (" — **overbooked!**" if over else " (zero overbooking; counter matches rows)"),
            f"- server CPU per sign-up (median): {_median([r['cpu_ms'] for r in runs]):.2f} ms"
            f" (so {os.cpu_count()} cores could do about "
            f"{os.cpu_count() / _median([r['cpu_ms'] for r in runs]) * 1000:,.0f}/s "
            "if nothing else ran and nothing waited)",
            "- waiting list: "
            + ", ".join(str(r["waiting_rows"]) for r in runs)
            + "; outbox rows: "
            + ", ".join(str(r["outbox_rows"]) for r in runs),
            "- statuses: "
            + "; ".join(
                ", ".join(f"{k}×{v}" for k, v in sorted(r["statuses"].items())) for r in runs
            ),
            "- p99 against p50, each run (target ≤ 1.5×): "
            + ", ".join(f"{r['p99'] / r['p50']:.2f}×" for r in runs),
            "- the longest wait in which no sign-up finished, each run (a stall of the whole "
            "server, rather than a few requests queued behind the rest): "
            + ", ".join(f"{r['stall'] * 1000:.0f} ms" for r in runs),
        ]
        if hello == hello:  # measured (not NaN): the ratios to the bare route of this run
            cpu = _median([r["cpu_ms"] for r in runs])
            rate = _median([r["rate"] for r in runs])
            lines += [
                f"- server CPU per sign-up against a bare request: {cpu / hello_cpu:.1f}× "
                "(target ≤ 5×)",
                f"- sign-ups per second against the bare route's rate: {rate / hello:.0%} "
                "(target ≥ 15%)",
            ]
            if figures.floor:
                floor = _median(figures.floor)
                lines += [
                    f"- a form POST that does nothing, sent the same forms: {floor:.2f} ms, "
                    f"{floor / hello_cpu:.1f}× a bare request. That is what every POST of "
                    "ours pays before and after its view (session cookie, CSRF token, "
                    "headers, request log). The sign-up's own work is the rest: "
                    f"{cpu - floor:.2f} ms, {(cpu - floor) / hello_cpu:.1f}× a bare request.",
                ]
        lines.append("")
    lines += worker_lines(figures.workers, figures.cold_start)
    if figures.week_modes:
        from bench.profile_pages import as_markdown as week_table

        lines += week_table(figures.week_modes) + [""]
    if figures.profile:
        from bench.profile_signup import as_markdown

        lines += ["Where a sign-up's time goes (profiled in-process):", ""]
        lines += as_markdown(figures.profile) + [""]
    if figures.export:
        e = figures.export
        lines += [
            f"Attendee export of {e['rows']:,} registrations ({e['format']}, all "
            f"{e['columns']} columns, {e['lines']:,} data lines written): "
            f"**{e['seconds']:.2f} s**, peak RSS **{e['peak_rss_mb']:.0f} MB** "
            f"(process baseline before export {e['baseline_rss_mb']:.0f} MB), "
            f"{e['bytes'] / 1e6:.1f} MB written.",
            "",
        ]
    lines += [f"- {note}" for note in figures.notes]
    if figures.notes:
        lines.append("")
    return lines


def write_report(
    facts: dict[str, str],
    all_figures: list[Figures],
    mail: list[str],
    args,
    two_servers: dict | None = None,
) -> str:
    """docs/benchmarks.md, regenerated from this run."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`). Figures are medians of "
        f"{args.runs} runs ({args.sign_up_runs} for sign-ups). Re-run it to refresh this page; "
        "do not edit the figures by hand.",
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in facts.items()],
        f"- Measured: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "## Set-up",
        "",
        f"- gunicorn `bench.wsgi:app`, {args.workers} sync workers forked from one loaded app "
        "(`gunicorn.conf.py`), `--no-control-socket`, production settings "
        "(`NCLW_ENV=production`), rate limits off (every client shares one address), mail "
        "queued in the outbox but not sent during the run.",
        '- The bare Flask "hello" route is mounted in the same WSGI app and served by the same '
        "workers in the same run, so the ratio measures our code.",
        f"- Seeded: the demo week plus 30 more events, {args.registrations:,} registrations.",
        f"- Pages: `wrk -t2 -c{args.connections} -d{args.seconds}s --latency`, one warm-up "
        "second first. The load generator shares the two cores with the server.",
        "- Sign-ups: one burst on an event of its own first, not counted, as the pages' warm-up "
        "second is not: each worker's first sign-up compiles the statements it runs. What that "
        "first sign-up costs is in the cold start line.",
        "",
        "Targets (ratios to bare Flask in the same run): week page ≥ 70%, in English and in "
        "Welsh; event page ≥ 50%; sign-up form page ≥ 30%; sign-up ≥ 400/s "
        "(SQLite), ≥ 300/s (PostgreSQL), p99 < 250 ms, zero overbooking; export < 3 s and "
        "< 150 MB peak RSS; "
        "outbox 10,000 messages < 60 s.",
        "",
        "## Results",
        "",
    ]
    for figures in all_figures:
        lines += summarise(figures)
    if two_servers:
        lines += two_servers_section(two_servers)
    if mail:
        lines += ["### Outbox delivery (bench/mail.py)", "", *mail, ""]
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        lines += [analysis.read_text().strip(), ""]
    text = "\n".join(lines).rstrip() + "\n"
    return text


def run_mail_bench() -> list[str]:
    """bench.mail.main(), written by the mail domain, when it exists."""
    try:
        from bench import mail
    except ImportError:
        return ["Not measured: bench/mail.py does not exist yet."]
    try:
        result = mail.main()
    except Exception as error:  # noqa: BLE001 - a benchmark must never fail the run
        return [f"Not measured: bench.mail.main() failed: {error!r}"]
    if isinstance(result, dict):
        return [f"- {key}: `{json.dumps(value, default=str)}`" for key, value in result.items()]
    if isinstance(result, list | tuple):
        return [str(line) for line in result]
    return [str(result)] if result else ["See the output of bench.mail above."]


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the figures and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--registrations", type=int, default=10_000)
    # Sign-up runs are short (a few seconds) and swing with the machine: take more of them.
    parser.add_argument("--sign-up-runs", type=int, default=5)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--attempts", type=int, default=640)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--no-mail", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--pages", default="", help='only these, e.g. "hello,week,week 304"')
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument(
        "--skip-two-servers", action="store_true", help="skip bench/two_servers.py (~3 min)"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    wrk = ensure_wrk()
    facts = machine_facts()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()), flush=True)
    all_figures = []
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        try:
            all_figures.append(bench_backend(backend, args, wrk))
        except Exception as error:  # noqa: BLE001 - report and carry on with the next one
            print(f"  [{backend}] not measured: {error}", flush=True)
            failed = Figures(backend)
            failed.notes.append(f"Not measured: {str(error)[:300]}")
            all_figures.append(failed)
    two_servers = None
    if not args.skip_two_servers:
        print("== two app servers behind nginx", flush=True)
        two_servers = run_two_servers()
    mail = [] if args.no_mail else run_mail_bench()
    report = write_report(facts, all_figures, mail, args, two_servers)
    print("\n" + report)
    if not args.no_report:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(report)
        print(f"Written to {REPORT.relative_to(PROJECT_ROOT)}")
    print(f"Whole bench: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
