"""A small mail server that takes calendar replies from our own mail server (SMTP or LMTP).

Postfix hands it mail for the reply addresses (see the README); what a reply means is the
tickets' business (registrations.calendar_replies), handed in as `deliver`. This only speaks
the protocol: it refuses addresses that are not reply addresses, and messages over the size
limit, and asks the mail server to try again later if the database could not take a reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

# A calendar reply is a few kilobytes; anything near this is not one.
MAX_MESSAGE_BYTES = 512 * 1024
MAX_RECIPIENTS = 20

Deliver = Callable[[Sequence[str], bytes], object]


class ReplyHandler:
    """aiosmtpd's handler: accept mail for reply addresses and hand each message on."""

    def __init__(self, accepts: Callable[[str], bool], deliver: Deliver, *, lmtp: bool = False):
        self._accepts = accepts
        self._deliver = deliver
        self._lmtp = lmtp

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if not self._accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        recipients = list(envelope.rcpt_tos)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._deliver, recipients, raw)
        except Exception as error:  # the database, most likely: the mail server keeps it
            log.error("Calendar reply not taken, asked to try again: %s", type(error).__name__)
            status = "451 4.3.0 Please try again later"
        else:
            status = "250 2.0.0 OK"
        # LMTP answers once for each recipient.
        return "\r\n".join([status] * len(recipients)) if self._lmtp else status


class _LmtpController(Controller):
    def factory(self) -> SMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def start_receiver(
    accepts: Callable[[str], bool],
    deliver: Deliver,
    *,
    host: str,
    port: int,
    lmtp: bool = False,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Controller:
    """Start listening on host:port in a thread of its own; stop it with `.stop()`."""
    controller_class = _LmtpController if lmtp else Controller
    controller = controller_class(
        ReplyHandler(accepts, deliver, lmtp=lmtp),
        hostname=host,
        port=port,
        server_hostname="nclw-replies",
        data_size_limit=max_bytes,
    )
    controller.start()
    return controller
