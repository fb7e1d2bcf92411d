"""Reading the .eml files the outbox writes when there is no mail server (development only)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

SAFE_NAME = re.compile(r"^[0-9A-Za-z_-]+\.eml$")


@dataclass(frozen=True)
class StoredEmail:
    """One written email, parsed for reading on screen."""

    name: str
    subject: str
    to: str
    sent: datetime | None
    text: str
    html: str | None
    calendar: str | None
    calendar_method: str | None


def _parse(path: Path) -> StoredEmail:
    message: EmailMessage = message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[assignment]
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    calendar_part = next(
        (part for part in message.walk() if part.get_content_type() == "text/calendar"), None
    )
    try:
        sent = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        sent = None
    return StoredEmail(
        name=path.name,
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        sent=sent,
        text=text_part.get_content() if text_part else "",  # type: ignore[union-attr]
        html=_with_inline_images(message, html_part.get_content()) if html_part else None,  # type: ignore[union-attr]
        calendar=calendar_part.get_content() if calendar_part else None,  # type: ignore[union-attr]
        calendar_method=calendar_part.get_param("method") if calendar_part else None,  # type: ignore[union-attr]
    )


def _with_inline_images(message: EmailMessage, html: str) -> str:
    # An email's own pictures (the ticket's QR code) are parts named by Content-ID; a web
    # page cannot reach them, so they are written into the page itself.
    for part in message.walk():
        content_id = str(part.get("Content-ID", "")).strip("<>")
        if content_id and part.get_content_maintype() == "image":
            data = base64.b64encode(part.get_payload(decode=True)).decode()
            html = html.replace(
                f"cid:{content_id}", f"data:{part.get_content_type()};base64,{data}"
            )
    return html


def list_emails(directory: str | Path, *, limit: int = 200) -> list[StoredEmail]:
    """The newest emails first."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.name, reverse=True)[:limit]
    return [_parse(path) for path in paths]


def email_path(directory: str | Path, name: str) -> Path | None:
    """The file for a name from a URL, or None if there is no such safe name."""
    if not SAFE_NAME.match(name):
        return None
    path = Path(directory) / name
    return path if path.is_file() else None


def read_email(directory: str | Path, name: str) -> StoredEmail | None:
    """One email by file name, or None."""
    path = email_path(directory, name)
    return _parse(path) if path else None
