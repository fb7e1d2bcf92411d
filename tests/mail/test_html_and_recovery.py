"""Valid HTML in emails and on the development mail pages; rows left by a dead worker recover."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.claims import claim_lease
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations import messages
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration
from tests.mail.gallery import every_email
from tests.mail.helpers import outbox_rows, queue_and_commit
from tests.support.html_validation import html_errors_many


@pytest.mark.slow  # runs the Nu HTML checker (Java)
def test_emails_and_development_pages_are_valid_html(app, client):
    # Every kind of email, ticket, booking and partner alike (see tests/mail/gallery.py).
    emails = every_email()
    person = make_registration(make_event(format=EventFormat.HYBRID, venue_name="Hall"))
    emails["ticket_confirmed_hybrid"] = messages.ticket_confirmed(person)
    documents = {name: email.html_body for name, email in emails.items()}
    queue_and_commit(emails["ticket_confirmed_hybrid"], person)
    send_pending()
    inbox = client.get("/dev/mail/").get_data(as_text=True)
    name = re.search(r'href="/dev/mail/([^"/]+\.eml)"', inbox).group(1)
    documents["dev inbox"] = inbox
    documents["dev message"] = client.get(f"/dev/mail/{name}").get_data(as_text=True)

    problems = {name: errors for name, errors in html_errors_many(documents).items() if errors}

    assert problems == {}


def test_a_row_claimed_by_a_worker_that_died_is_sent_later(app, tmp_path):
    person = make_registration(make_event())
    message_id = queue_and_commit(messages.ticket_confirmed(person), person)
    now = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=MessageStatus.SENDING, claimed_by="dead-worker", claimed_at=now)
    )
    db.session.commit()

    assert send_pending(now=now + claim_lease() / 2).sent == 0

    assert send_pending(now=now + claim_lease() + timedelta(seconds=1)).sent == 1
    [row] = outbox_rows()
    assert row.status == MessageStatus.SENT
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
