"""The outbox on PostgreSQL: health figures, delivery to files, and a retried failure."""

from __future__ import annotations

from datetime import datetime

import pytest

from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.models import MessageStatus
from nclw.mail.status import mail_health, retry_message
from nclw.registrations import messages
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.mail.helpers import outbox_rows, queue_and_commit


@pytest.mark.postgres
def test_health_delivery_and_retry_on_postgresql(tmp_path, postgres_database_url):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        person = make_registration(make_event())
        queue_and_commit(messages.ticket_confirmed(person), person)
        queue_and_commit(messages.reminder_day_before(person), person)

        health = mail_health()
        assert (health["pending"], health["failed"]) == (2, 0)
        assert isinstance(health["oldest_pending_created_at"], datetime)
        assert health["oldest_pending_created_at"].tzinfo is not None

        assert send_pending().sent == 2
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
        first = outbox_rows()[0]
        first.status = MessageStatus.FAILED
        db.session.commit()
        assert mail_health()["failed"] == 1

        retry_message(first, actor=None, now=first.created_at)
        db.session.commit()
        assert send_pending().sent == 1
        assert mail_health() | {"oldest_pending_created_at": None} == {
            "pending": 0,
            "failed": 0,
            "sent": 2,
            "oldest_pending_created_at": None,
            "delivery": "files",
        }
        db.session.remove()
        db.engine.dispose()
