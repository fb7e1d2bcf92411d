"""Separate network hosts for the two app servers: a Linux network namespace each.

Each host has its own network stack, joined to this machine by a virtual cable (a veth
pair) on a small private network of its own (10.231.N.0/24): this machine is 10.231.N.1,
the app host 10.231.N.2. The app host reaches PostgreSQL, Redis and the mail server as a
real app server would, over that network; they listen on this machine's loopback only, so
each is forwarded from 10.231.N.1 by socat. nginx, on this machine, reaches each app server
at 10.231.N.2:8000: the same port on both, as on two real hosts.

It needs root, `ip` (iproute2) and socat; without them `app_hosts` gives None and the bench
runs both servers on loopback ports instead. Everything it adds is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from tests.support.net import port_open

APP_PORT = 8000


@dataclass(frozen=True)
class AppHost:
    """One network namespace standing in for an app server's host."""

    name: str
    gateway: str  # this machine, as the app host sees it
    address: str  # the app host

    @property
    def run_as(self) -> list[str]:
        """What goes before a command to run it on this host."""
        return ["ip", "netns", "exec", self.name]

    def env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` with this machine's loopback services reached through the gateway."""
        moved = dict(env)
        for key in ("DATABASE_URL", "RATELIMIT_STORAGE_URI"):
            if key in moved:
                moved[key] = _with_host(moved[key], self.gateway)
        if moved.get("MAIL_SERVER") in ("127.0.0.1", "localhost"):
            moved["MAIL_SERVER"] = self.gateway
        return moved


def _with_host(url: str, host: str) -> str:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        return url
    credentials = parts.netloc.rpartition("@")[0]
    netloc = (f"{credentials}@" if credentials else "") + host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def available() -> str | None:
    """Why network namespaces cannot be used here, or None when they can."""
    if os.geteuid() != 0:
        return "not running as root"
    for tool in ("ip", "socat"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def _ip(*args: str, namespace: str | None = None) -> None:
    command = ["ip", *(["-n", namespace] if namespace else []), *args]
    subprocess.run(command, check=True, capture_output=True)


@contextmanager
def app_hosts(count: int, forwarded_ports: list[int]) -> Iterator[list[AppHost] | None]:
    """`count` app hosts, each able to reach this machine's `forwarded_ports` through its
    gateway; None when namespaces cannot be used here (see `available`)."""
    if available() is not None:
        yield None
        return
    with ExitStack() as stack:
        try:
            hosts = [_add_host(stack, number, forwarded_ports) for number in range(1, count + 1)]
        except subprocess.CalledProcessError:
            # Root without the right to add network devices (a locked-down container).
            stack.close()
            yield None
            return
        yield hosts


def _add_host(stack: ExitStack, number: int, forwarded_ports: list[int]) -> AppHost:
    tag = f"{os.getpid() % 10000}"
    # A /24 of its own per host; the third octet tells runs of different processes apart.
    subnet = f"10.231.{(os.getpid() % 100) * 2 + number}"
    host = AppHost(f"nclw-app{number}-{tag}", f"{subnet}.1", f"{subnet}.2")
    outside, inside = f"nclw{number}h{tag}", f"nclw{number}a{tag}"
    _ip("netns", "add", host.name)
    stack.callback(subprocess.run, ["ip", "netns", "delete", host.name], check=False)
    _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
    stack.callback(subprocess.run, ["ip", "link", "delete", outside], check=False)
    _ip("link", "set", inside, "netns", host.name)
    _ip("addr", "add", f"{host.gateway}/24", "dev", outside)
    _ip("link", "set", outside, "up")
    _ip("addr", "add", f"{host.address}/24", "dev", inside, namespace=host.name)
    _ip("link", "set", inside, "up", namespace=host.name)
    _ip("link", "set", "lo", "up", namespace=host.name)
    for port in forwarded_ports:
        forward = subprocess.Popen(
            [
                "socat",
                f"TCP-LISTEN:{port},bind={host.gateway},fork,reuseaddr",
                f"TCP:127.0.0.1:{port}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(_stop, forward)
        _until_listening(host.gateway, port)
    return host


def _until_listening(host: str, port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"socat did not listen on {host}:{port}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
