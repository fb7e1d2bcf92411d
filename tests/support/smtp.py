"""A real, scriptable SMTP server on loopback that records what it receives."""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.support.net import free_port

#: SMTP commands whose reply can be forced with `SmtpSink.fail_next`.
SCRIPTABLE_COMMANDS = ("MAIL", "RCPT", "DATA")


@dataclass(frozen=True)
class ReceivedMessage:
    """One message accepted by the sink."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage = field(repr=False)

    @property
    def subject(self) -> str:
        """Return the decoded Subject header ('' if absent)."""
        return str(self.message.get("Subject", ""))

    def text(self) -> str:
        """Return the plain-text body (falls back to the first body part of any type)."""
        part = self.message.get_body(preferencelist=("plain", "html"))
        return "" if part is None else str(part.get_content())  # type: ignore[attr-defined]

    def html(self) -> str | None:
        """Return the HTML body, or None if the message has none."""
        part = self.message.get_body(preferencelist=("html",))
        return None if part is None else str(part.get_content())  # type: ignore[attr-defined]


class _Handler:
    """aiosmtpd handler that consults the sink for forced replies before accepting."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        forced = self._sink._take_forced("MAIL")
        if forced:
            return forced
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        forced = self._sink._take_forced("RCPT")
        if forced:
            return forced
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self._sink.delay:
            await asyncio.sleep(self._sink.delay)
        forced = self._sink._take_forced("DATA")
        if forced:
            return forced
        raw = envelope.original_content or b""
        self._sink._record(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                raw=raw,
                message=message_from_bytes(raw, policy=policy.default),  # type: ignore[arg-type]
            )
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """Loopback SMTP server; see `smtp_sink()` for the usual way to get one."""

    def __init__(
        self, host: str = "127.0.0.1", port: int | None = None, *, smtputf8: bool = False
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        #: Offer SMTPUTF8, as servers that take addresses like josé@… do.
        self.smtputf8 = smtputf8
        #: Seconds to wait before answering each DATA (simulates a slow server).
        self.delay: float = 0.0
        self.messages: list[ReceivedMessage] = []
        self._forced: dict[str, collections.deque[str]] = {
            cmd: collections.deque() for cmd in SCRIPTABLE_COMMANDS
        }
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        """Return True while the server is listening."""
        return self._controller is not None

    def start(self) -> None:
        """Start listening on `self.host:self.port` (the same port after a `stop()`)."""
        if self._controller is not None:
            return
        # A stopped Controller has closed its event loop, so each start needs a new one.
        controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="nclw-test-smtp",
            ready_timeout=10.0,
            enable_SMTPUTF8=self.smtputf8,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening, so connections are refused until `start()` is called."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def fail_next(self, code_and_text: str, times: int = 1, *, on: str = "DATA") -> None:
        """Answer the next `times` `on` commands (MAIL, RCPT or DATA) with `code_and_text`."""
        command = on.upper()
        if command not in SCRIPTABLE_COMMANDS:
            raise ValueError(f"on must be one of {SCRIPTABLE_COMMANDS}, not {on!r}")
        code = code_and_text[:3]
        if not (code.isdigit() and code_and_text[3:4] in ("", " ", "-")):
            raise ValueError(f"expected a reply such as '421 try later', got {code_and_text!r}")
        with self._cond:
            self._forced[command].extend([code_and_text] * times)

    def clear(self) -> None:
        """Forget received messages, pending forced replies and the delay."""
        with self._cond:
            self.messages.clear()
            for queue in self._forced.values():
                queue.clear()
            self.delay = 0.0

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least `count` messages arrived; return them or raise AssertionError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    subjects = [m.subject for m in self.messages]
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout}s, "
                        f"got {len(self.messages)}: {subjects}"
                    )
                self._cond.wait(remaining)
            return list(self.messages)

    def _take_forced(self, command: str) -> str | None:
        with self._cond:
            queue = self._forced[command]
            return queue.popleft() if queue else None

    def _record(self, message: ReceivedMessage) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<SmtpSink {self.host}:{self.port} {state} messages={len(self.messages)}>"

    def app_config(self) -> dict[str, Any]:
        """Return Flask-Mail settings pointing at this server (no TLS, no auth)."""
        return {
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
        }

    def env(self) -> dict[str, str]:
        """Return MAIL_SERVER/MAIL_PORT environment variables pointing at this server."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": str(self.port)}


@contextmanager
def smtp_sink(host: str = "127.0.0.1", port: int | None = None) -> Iterator[SmtpSink]:
    """Run an `SmtpSink` on a free loopback port for the duration of the block."""
    sink = SmtpSink(host, port)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
