"""The wire form of an outbox message: MIME with a calendar part a phone accepts, or a .eml file."""

from __future__ import annotations

import io
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.charset import QP, Charset
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any

import segno
from flask import current_app
from flask_mail import Connection, sanitize_address
from flask_mail import Message as FlaskMailMessage

from nclw.addresses import needs_smtputf8
from nclw.mail.models import OutboxMessage

SMTP_TIMEOUT_SECONDS = 30
# The Content-ID of the QR code carried inside an email; its HTML shows it as cid:<this>.
QR_CONTENT_ID = "ticket-qr@nclw-events.org.uk"


@dataclass(frozen=True)
class Outgoing:
    """A claimed row's content, copied out so sending never touches the session."""

    id: int
    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str | None
    ical_body: str | None
    ical_method: str | None
    sender_name: str | None
    qr_text: str | None
    attempts: int
    created_at: datetime


class _WirePolicy(type(email_policy.compat32)):  # type: ignore[misc]
    """compat32 with CRLF, writing short plain headers directly instead of re-folding them.

    Folding every header through email.header.Header was the largest cost of sending.
    """

    def fold_binary(self, name: str, value: Any) -> bytes:
        if (
            isinstance(value, str)
            and len(name) + len(value) + 2 <= 78
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
        ):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


WIRE_POLICY = _WirePolicy(linesep="\r\n")


def _quoted_printable_utf8() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP
    return charset


class CalendarMessage(FlaskMailMessage):
    """A Flask-Mail message whose text/calendar alternative names its iTIP method."""

    def __init__(self, *args: Any, ical_method: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ical_method = ical_method
        # Set for an address like josé@… (see send_one): it goes out with SMTPUTF8.
        self.international_to: str | None = None
        # Drawn as a QR code and carried beside the HTML part (see qr_png).
        self.qr_text: str | None = None

    def _mimetext(self, text: str | None, subtype: str = "plain"):  # type: ignore[override]
        if text and any(len(line.encode()) > 900 for line in text.splitlines()):
            # SMTP refuses lines over 998 bytes (an organiser's long paragraph, say), and
            # Flask-Mail sends bodies unencoded: quoted-printable wraps them safely.
            part = MIMEText(text, _subtype=subtype, _charset=_quoted_printable_utf8())
        else:
            part = super()._mimetext(text, subtype)
        if subtype == "calendar" and self.ical_method:
            # Calendar programs act on the part only if its method matches the METHOD inside.
            part.set_param("method", self.ical_method)
        if subtype == "html" and self.qr_text:
            # The image travels with the HTML (multipart/related), so it shows without
            # loading anything from the internet, which many mail programs block.
            related = MIMEMultipart("related")
            related.attach(part)
            image = MIMEImage(qr_png(self.qr_text), "png")
            image["Content-ID"] = f"<{QR_CONTENT_ID}>"
            image.add_header("Content-Disposition", "inline", filename="ticket-qr.png")
            related.attach(image)
            return related
        return part

    def as_bytes(self) -> bytes:
        message = self._message()
        _draw_boundaries(message)
        if self.international_to:
            # RFC 6532: the address is written as it is, in UTF-8, not as an encoded word.
            del message["To"]
            message["To"] = self.international_to
            return message.as_bytes(policy=email_policy.SMTPUTF8)
        # Flask-Mail switches to policy.SMTP, which re-parses every header while writing and
        # was most of the cost of sending; compat32 writes the same headers several times
        # faster. CRLF line endings, as SMTP needs (smtplib does not fix them in bytes).
        message.policy = WIRE_POLICY
        return message.as_bytes()


def _draw_boundaries(message: Message) -> None:
    """Give each multipart part a boundary drawn at random before the email is written.

    Left to itself, the email package tries boundaries against the whole text with a regular
    expression compiled anew for each part: about a tenth of writing an email. A boundary of
    128 random bits, drawn after the text was written, cannot occur in it by chance.
    """
    for part in message.walk():
        if part.is_multipart():
            part.set_boundary(f"=_nclw_{secrets.token_hex(16)}")


def qr_png(text: str) -> bytes:
    """A QR code as a PNG, large enough to scan from a phone held up at the door."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def build_message(row: OutboxMessage | Outgoing) -> CalendarMessage:
    """The email as Flask-Mail will send it: text, HTML and the calendar part as alternatives."""
    # Flask-Mail cannot write an address like josé@… (it fails, or makes an encoded word no
    # server delivers to): a stand-in goes through it, and as_bytes writes the real one.
    international = needs_smtputf8(row.to_address)
    message = CalendarMessage(
        # Subjects and addresses were made single-line when queued; a line break here would
        # make Flask-Mail refuse the message rather than add a header.
        subject=row.subject,
        recipients=["international-recipient@invalid"] if international else [row.to_address],
        body=row.text_body,
        ical_method=row.ical_method if row.ical_body else None,
        # Constant headers only: user input never goes into extra_headers.
        extra_headers={"Auto-Submitted": "auto-generated"},
    )
    if row.sender_name:
        # Only the name changes (a discreet email): the address stays the site's.
        address = parseaddr(message.sender)[1]
        message.sender = formataddr((row.sender_name, address))
    # Set after construction: Flask-Mail's html setter would otherwise reorder the parts.
    # Plain text, then HTML, then the calendar: the order calendar programs expect.
    message.international_to = row.to_address if international else None
    message.qr_text = row.qr_text if row.html_body else None
    message.alts = {"html": row.html_body} if row.html_body else {}
    if row.ical_body:
        message.alts["calendar"] = row.ical_body
    sender_domain = message.sender.rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"
    message.msgId = make_msgid(idstring=f"outbox{row.id}", domain=sender_domain)
    return message


def write_eml(item: OutboxMessage | Outgoing, directory: str | Path) -> Path:
    """Write a message as an .eml file (development: no mail server); named by its id."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    message = build_message(item)
    path = folder / f"{item.created_at:%Y%m%d-%H%M%S}-{item.id:07d}-{item.kind}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)  # readers never see half a file
    return path


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a stuck server cannot hang a worker."""

    def configure_host(self) -> smtplib.SMTP:  # type: ignore[override]
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=SMTP_TIMEOUT_SECONDS)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def smtp_reply(exc: smtplib.SMTPException) -> tuple[int, str]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        return exc.smtp_code, text.decode(errors="replace") if isinstance(text, bytes) else text
    return 0, str(exc)


def send_one(connection: Connection, item: Outgoing) -> None:
    """Hand one message to the mail server over an open connection.

    An address like josé@… can only go with SMTPUTF8; a server that does not offer it says so
    (SMTPNotSupportedError), and the message fails with that reason rather than retrying.
    Flask-Mail would rewrite such an address into an encoded word nobody can deliver to, so
    these go straight to smtplib.
    """
    message = build_message(item)
    if not message.international_to:
        connection.send(message)
        return
    connection.host.sendmail(
        sanitize_address(message.sender), [item.to_address], message.as_bytes(), ["SMTPUTF8"]
    )


def open_connection() -> Connection:
    connection = TimeoutConnection(current_app.extensions["mail"])
    connection.__enter__()
    return connection


def close_quietly(connection: Connection | None) -> None:
    if connection is None or connection.host is None:
        return
    try:
        connection.host.quit()
    except (smtplib.SMTPException, OSError):
        connection.host.close()


def is_connection_trouble(exc: BaseException) -> bool:
    # SMTPException is an OSError too: only a lost connection or a socket error counts here.
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
