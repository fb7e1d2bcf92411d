"""A tiny asyncio HTTP/1.1 client: enough to fetch forms and fire 64 sign-ups at once.

Raw sockets keep the client's own cost far below the server's, on a machine where both
share two cores. gunicorn's sync workers close every connection, so no keep-alive.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

CSRF_FIELD = re.compile(
    rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float
    finished: float = 0.0  # time.perf_counter() when the whole reply was read

    def cookies(self) -> dict[str, str]:
        jar = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                jar[key.strip()] = val.strip()
        return jar


async def request(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> Reply:
    """Send one request on a fresh connection and read the whole reply.

    `source`: the loopback address to send from (all of 127.0.0.0/8 is this machine), so a
    proxy in front sees a visitor of that address. To an app server on another host (not
    this machine's loopback), it is said as a proxy would say it: in `X-Forwarded-For`."""
    started = time.perf_counter()
    headers = dict(headers or {})
    local = None
    if source and host.startswith("127."):
        local = (source, 0)
    elif source:
        headers["X-Forwarded-For"] = source
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    for name, value in headers.items():
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    finished = time.perf_counter()
    seconds = finished - started
    head, _, content = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split(" ", 2)[1])
    parsed = []
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        parsed.append((name.strip(), value.strip()))
    if any(n.lower() == "transfer-encoding" and "chunked" in v for n, v in parsed):
        content = _unchunk(content)
    return Reply(status, parsed, content, seconds, finished)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


@dataclass
class PreparedSignUp:
    cookie: str
    body: bytes


async def prepare_sign_ups(
    host: str, port: int, slug: str, count: int, *, email_prefix: str, concurrency: int = 16
) -> list[PreparedSignUp]:
    """Fetch the sign-up form `count` times: each gets its own session cookie and CSRF token."""
    path = f"/events/{slug}/register"
    semaphore = asyncio.Semaphore(concurrency)

    async def one(n: int) -> PreparedSignUp:
        async with semaphore:
            reply = await request(host, port, "GET", path)
        if reply.status != 200:
            raise RuntimeError(f"GET {path} answered {reply.status}")
        match = CSRF_FIELD.search(reply.body)
        if not match:
            raise RuntimeError("no csrf_token field in the sign-up form")
        token = (match.group(1) or match.group(2)).decode()
        cookie = "; ".join(f"{k}={v}" for k, v in reply.cookies().items())
        form = {
            "csrf_token": token,
            "first_name": f"Bench {n}",
            "email": f"{email_prefix}{n}@example.org",
            "declared_care_experienced": "y",
        }
        return PreparedSignUp(cookie, urlencode(form).encode())

    return await asyncio.gather(*(one(n) for n in range(count)))


async def fire_sign_ups(
    host: str,
    port: int,
    slug: str,
    prepared: list[PreparedSignUp],
    *,
    clients: int = 64,
    path: str | None = None,
) -> tuple[float, list[Reply]]:
    """POST every prepared sign-up from `clients` concurrent clients; (seconds, replies).

    `path` sends the same forms somewhere else than the event's sign-up (bench/wsgi.py's
    form POST that does nothing)."""
    path = path or f"/events/{slug}/register"
    queue: asyncio.Queue[PreparedSignUp] = asyncio.Queue()
    for item in prepared:
        queue.put_nowait(item)
    replies: list[Reply] = []

    async def client() -> None:
        while not queue.empty():
            item = queue.get_nowait()
            replies.append(
                await request(
                    host,
                    port,
                    "POST",
                    path,
                    body=item.body,
                    headers={
                        "Cookie": item.cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
            )

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, replies
