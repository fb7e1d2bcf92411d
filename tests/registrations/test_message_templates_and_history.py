"""Saved templates, and an event's history of messages with how many each reached."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations import message_templates, messaging, scheduled_messages
from nclw.registrations.message_history import message_history
from nclw.registrations.models import MessageAudience, MessageTemplate
from nclw.registrations.personal_data import delete_my_details
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration, make_user


def test_templates_are_saved_changed_and_deleted(app):
    organiser = make_user(Role.ORGANISER)
    now = utcnow()
    kept = message_templates.save_template(
        "  Doors  open ", "Doors open soon", "Hello {first_name}", actor=organiser, now=now
    )
    message_templates.save_template("After the event", "Thank you", "Thanks!", actor=None, now=now)
    db.session.commit()
    assert [t.name for t in message_templates.message_templates()] == [
        "After the event",
        "Doors open",
    ]
    message_templates.edit_template(
        kept, "Doors open", "Doors open at 6", "Hi", actor=organiser, now=now
    )
    db.session.commit()
    assert (kept.subject, kept.body) == ("Doors open at 6", "Hi")
    message_templates.delete_template(kept, actor=organiser, now=now)
    db.session.commit()
    assert [t.name for t in message_templates.message_templates()] == ["After the event"]
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.summary)
        .where(AuditEntry.actor_id == organiser.id)
        .order_by(AuditEntry.id)  # without it, PostgreSQL may return the rows in any order
    ).all()
    assert [tuple(entry) for entry in entries] == [
        ("message_template.saved", "Doors open"),
        ("message_template.changed", "Doors open"),
        ("message_template.deleted", "Doors open"),
    ]


@pytest.mark.parametrize(
    ("name", "subject", "body", "words"),
    [
        ("after the EVENT", "S", "B", "already a template called"),
        ("", "S", "B", "Give the template a name"),
        ("New", "S", "Dear {full_name}", "{full_name} is not a placeholder"),
    ],
)
def test_a_template_we_cannot_keep_is_refused(app, name, subject, body, words):
    message_templates.save_template(
        "After the event", "Thank you", "Thanks!", actor=None, now=utcnow()
    )
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        message_templates.save_template(name, subject, body, actor=None, now=utcnow())
    assert words in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count(MessageTemplate.id))) == 1


def test_history_counts_where_each_message_stands(app):
    organiser = make_user(Role.ORGANISER, name="Olu Organiser")
    event = make_event(capacity=5)
    people = [make_registration(event, email=f"p{n}@example.com") for n in range(4)]
    now = utcnow()
    messaging.message_attendees(
        event, MessageAudience.CONFIRMED, "Doors", "Six", actor=organiser, now=now
    )
    later = scheduled_messages.LaterMessage(
        MessageAudience.ALL, "Tomorrow", "See you", now + timedelta(hours=1)
    )
    waiting = scheduled_messages.schedule_message(event, later, actor=organiser, now=now)
    db.session.commit()
    emails = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    emails[0].status = MessageStatus.SENT
    emails[1].status = MessageStatus.SENT
    emails[2].status = MessageStatus.FAILED
    db.session.commit()
    # Someone who deletes their details takes their emails with them.
    delete_my_details(people[3], now=now)
    db.session.commit()

    first, second = message_history(event)
    assert first.message == waiting
    assert first.reached_words.startswith("Not sent yet")
    assert (second.sent, second.waiting, second.failed) == (2, 0, 1)
    assert second.reached_words == (
        "4 emails: 2 sent, 1 failed, 1 removed when people deleted their details"
    )
    assert second.message.author.name == "Olu Organiser"


def test_a_message_still_in_the_outbox_counts_as_waiting_to_go(app):
    event = make_event()
    make_registration(event)
    messaging.message_attendees(
        event, MessageAudience.ALL, "Hello", "Words", actor=None, now=utcnow()
    )
    db.session.commit()
    (line,) = message_history(event)
    assert line.reached_words == "1 email: 0 sent, 1 waiting to go"
