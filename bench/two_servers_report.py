"""bench/two_servers.py for `make bench`: run it in a process of its own, and write its part
of docs/benchmarks.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_two_servers() -> dict:
    """`python -m bench.two_servers --json`, its output shown as it comes; its figures, or
    {"error": ...} when it could not run (a benchmark never fails the whole bench)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.two_servers", "--json"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not line.startswith("{"):
            print(line, end="", flush=True)
    process.wait()
    found = [line for line in lines if line.startswith("{")]
    if process.returncode != 0 or not found:
        return {"error": "".join(lines)[-400:].strip()}
    return json.loads(found[-1])


def as_markdown(figures: dict) -> list[str]:
    """The section of docs/benchmarks.md."""
    lines = ["### Two app servers behind nginx (bench/two_servers.py)", ""]
    if "error" in figures:
        return [*lines, f"Not measured: {figures['error']}", ""]
    burst, tickets, mail = figures["burst"], figures["tickets"], figures["mail"]
    rate, shown = figures["rate_limit"], figures["places_shown"].values()
    lines += [
        (
            "Two gunicorn masters, each with its mail sender in a network namespace of its "
            "own (two hosts with their own network stacks, on one machine: bench/netns.py), "
            f"each at port 8000 with {figures['workers_per_server']} sync workers"
            if figures.get("separate_hosts")
            else f"Two gunicorn masters on two loopback ports ({figures['workers_per_server']} "
            "sync workers each; one machine, not two hosts)"
        )
        + ", nginx in front with deploy/nginx.conf "
        "(both as upstream servers), one PostgreSQL database, rate limits in one Redis, a "
        "`flask nclw send-mail --loop` beside each server, one loopback SMTP server. "
        f"1-minute load average at the end: {figures['load_average_1m']} (2 cores).",
        "",
        f"- burst: **{burst['attempts']:,} sign-ups** through nginx, each visitor from a "
        f"loopback address of their own, {figures['concurrency']} at a time, at an event of "
        f"{tickets['capacity']} places: {burst['sign_ups_per_second']:,}/s, p50 "
        f"{burst['p50_ms']:,} ms, p99 {burst['p99_ms']:,} ms; statuses "
        + ", ".join(f"{k}×{v}" for k, v in burst["statuses"].items()),
        f"- confirmed afterwards: **{tickets['confirmed']}/{tickets['capacity']}** (counter "
        f"{tickets['confirmed_count']}), waiting list {tickets['waiting']}; 5xx answers: "
        f"**{burst['server_errors']}**",
        "- right after, each server's week page and event page say: "
        + "; ".join(f"“{page['week']}” / “{page['event']}”" for page in shown),
        f"- one address, {rate['attempts']} sign-ups sent to the two servers in turn: "
        f"**{rate['accepted']} accepted, {rate['refused']} refused** (limit {rate['limit']} a "
        "minute, counted once for both)",
        f"- emails: **{mail['queued']:,} queued, {mail['received']:,} received** by the SMTP "
        f"server, {mail['sent_twice']} sent twice, {mail['never_received']} never received; "
        "sent by each sender: " + ", ".join(f"{n:,}" for n in mail["sent_by_sender"]),
    ]
    versus = figures.get("week_vs_static")
    if versus:
        lines.append(
            f"- the week page through nginx's micro-cache: **{versus['week_rate']:,} req/s** "
            f"against **{versus['static_rate']:,} req/s** for nginx serving the same "
            f"{versus['bytes']:,} bytes as a static file: **{versus['ratio']:.0%}** (target at "
            f"least 80%; `wrk -c{versus['connections']}`, median of {versus['runs']} runs of "
            f"{versus['seconds']} s, interleaved). nginx CPU per request: "
            f"{versus['week_nginx_cpu_us']} µs against {versus['static_nginx_cpu_us']} µs "
            f"(**{versus['cpu_ratio']:.0%}**, which other work on the machine moves less); "
            "how nginx answered the week page: "
            + ", ".join(f"{k}×{v:,}" for k, v in versus["week_cache_statuses"].items())
            + ". deploy/nginx.conf writes a line to the access log for each page it answers, "
            "none for a static file."
        )
    verdict = "met" if figures["met_target"] else "**not met**"
    lines += [
        f"- target (confirmed = capacity, no 5xx, both full, one shared limit, every email "
        f"sent once): {verdict}; {figures['seconds']} s in all",
        "",
    ]
    return lines
