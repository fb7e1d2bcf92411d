"""Small helpers shared by the mail tests."""

from __future__ import annotations

from email.message import EmailMessage

import sqlalchemy as sa

from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.mail.outbox import ComposedEmail, queue_email
from nclw.registrations.models import Registration


def queue_and_commit(email: ComposedEmail, registration: Registration | None = None) -> int:
    """Queue one email the way the services do, commit, and return its outbox id."""
    row = queue_email(email, registration_id=registration.id if registration else None)
    db.session.commit()
    return row.id


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def alternative_parts(message: EmailMessage) -> list[EmailMessage]:
    """The parts inside the multipart/alternative container, in order."""
    container = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    return list(container.iter_parts())  # type: ignore[attr-defined]


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def fill_outbox(count: int) -> None:
    """Queue and commit `count` ready-written emails, each to its own address."""
    for n in range(count):
        queue_email(
            ComposedEmail(
                kind="ticket_confirmed",
                to_address=f"person{n}@example.com",
                subject=f"Message {n}",
                text_body=f"Hello {n}",
                html_body=f"<p>Hello {n}</p>",
            )
        )
    db.session.commit()
