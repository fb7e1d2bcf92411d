"""Messages that wait for their time, tested without a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import messaging, scheduled_messages
from nclw.registrations.models import (
    EventMessage,
    EventMessageEmail,
    EventMessageState,
    MessageAudience,
    RegistrationStatus,
)
from nclw.registrations.scheduled_messages import LaterMessage
from nclw.registrations.services import cancel_registration
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration, make_user

CONFIRMED = MessageAudience.CONFIRMED


def _outbox() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == "attendee_message")
            .order_by(OutboxMessage.id)
        )
    )


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, email="organiser@example.org")


def _schedule(event, organiser, *, now, send_at=None, subject="Bring ID", body="See you soon."):
    later = LaterMessage(CONFIRMED, subject, body, send_at or now + timedelta(hours=2))
    message = scheduled_messages.schedule_message(event, later, actor=organiser, now=now)
    db.session.commit()
    return message


def test_a_message_waits_until_its_time_then_goes_once(app, organiser):
    event = make_event()
    make_registration(event, email="ava@example.com", first_name="Ava")
    now = utcnow()
    message = _schedule(event, organiser, now=now, send_at=now + timedelta(hours=2))
    assert message.state == EventMessageState.SCHEDULED
    assert _outbox() == []

    assert scheduled_messages.send_due_messages(now=now + timedelta(hours=1)) == 0
    assert _outbox() == []

    later = now + timedelta(hours=2, minutes=1)
    assert scheduled_messages.send_due_messages(now=later) == 1
    assert [m.to_address for m in _outbox()] == ["ava@example.com"]
    db.session.refresh(message)
    assert (message.state, message.sent_at, message.recipients) == ("sent", later, 1)
    # A second run, or one that overlapped the first, finds nothing left to send.
    assert scheduled_messages.send_due_messages(now=later + timedelta(minutes=1)) == 0
    assert len(_outbox()) == 1
    assert _actions() == ["event.message_scheduled", "event.message_sent"]


def test_who_gets_it_is_worked_out_when_it_goes(app, organiser):
    event = make_event(capacity=5)
    leaving = make_registration(event, email="leaving@example.com")
    make_registration(event, email="waiting@example.com", status=RegistrationStatus.WAITING)
    now = utcnow()
    _schedule(event, organiser, now=now)
    # The place freed goes to the person waiting, who then holds a confirmed ticket.
    cancel_registration(leaving, now=now)
    make_registration(event, email="late@example.com")
    db.session.commit()

    scheduled_messages.send_due_messages(now=now + timedelta(hours=3))

    expected = ["waiting@example.com", "late@example.com"]
    assert [m.to_address for m in _outbox()] == expected
    links = db.session.scalars(sa.select(EventMessageEmail)).all()
    assert sorted(link.outbox_message.to_address for link in links) == sorted(expected)


def test_placeholders_are_filled_for_each_person(app, organiser):
    event = make_event(title="Cooking club")
    ava = make_registration(event, email="ava@example.com", first_name="Ava")
    now = utcnow()
    _schedule(
        event,
        organiser,
        now=now,
        subject="{event_title}: see you soon",
        body="Hello {first_name}, your reference is {reference}.",
    )
    scheduled_messages.send_due_messages(now=now + timedelta(hours=3))
    (email,) = _outbox()
    assert email.subject == "Cooking club: see you soon"
    assert f"Hello Ava, your reference is {ava.reference}." in email.text_body


@pytest.mark.parametrize(
    ("subject", "body", "words"),
    [
        ("Hi {name}", "Words", "{name} is not a placeholder"),
        ("Hi", "Dear {first_name.__class__}", "{first_name.__class__} is not a placeholder"),
        ("Hi", "A lone { brace", "Use curly brackets"),
        ("Hi", "A lone } brace", "Use curly brackets"),
        ("   ", "Words", "Write a subject and a message"),
    ],
)
def test_a_message_we_cannot_fill_in_is_refused_when_written(app, organiser, subject, body, words):
    event = make_event()
    with pytest.raises(InvalidInput, match=words.replace("{", r"\{").replace(".", r"\.")):
        _schedule(event, organiser, now=utcnow(), subject=subject, body=body)
    with pytest.raises(InvalidInput):
        messaging.message_attendees(event, CONFIRMED, subject, body, actor=organiser, now=utcnow())


def test_the_time_must_be_in_the_future_and_within_a_week_of_the_end(app, organiser):
    event = make_event()
    now = utcnow()
    with pytest.raises(InvalidInput, match="in the future"):
        _schedule(event, organiser, now=now, send_at=now - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="no later than a week after the event ends"):
        _schedule(event, organiser, now=now, send_at=event.ends_at + timedelta(days=7, minutes=1))
    message = _schedule(event, organiser, now=now, send_at=event.ends_at + timedelta(days=7))
    assert message.is_scheduled


def test_a_waiting_message_can_be_changed_then_goes_as_changed(app, organiser):
    event = make_event(capacity=5)
    make_registration(event, email="ava@example.com")
    make_registration(event, email="ben@example.com", status=RegistrationStatus.WAITING)
    now = utcnow()
    message = _schedule(event, organiser, now=now)
    later = LaterMessage(
        MessageAudience.WAITING, "Still hoping", "A place may come up.", now + timedelta(hours=5)
    )
    scheduled_messages.edit_scheduled_message(message, later, actor=organiser, now=now)
    db.session.commit()
    assert scheduled_messages.send_due_messages(now=now + timedelta(hours=3)) == 0
    assert scheduled_messages.send_due_messages(now=now + timedelta(hours=5)) == 1
    (email,) = _outbox()
    assert (email.to_address, email.subject) == ("ben@example.com", "Still hoping")
    assert "event.message_edited" in _actions()


def test_a_cancelled_message_never_goes(app, organiser):
    event = make_event()
    make_registration(event)
    now = utcnow()
    message = _schedule(event, organiser, now=now)
    scheduled_messages.cancel_scheduled_message(message, actor=organiser, now=now)
    db.session.commit()
    assert scheduled_messages.send_due_messages(now=now + timedelta(days=1)) == 0
    assert _outbox() == []
    assert message.state == EventMessageState.CANCELLED
    assert _actions()[-1] == "event.message_cancelled"
    with pytest.raises(NotAllowed, match="already been sent or cancelled"):
        scheduled_messages.cancel_scheduled_message(message, actor=organiser, now=now)


def test_a_change_that_arrives_after_the_sender_claimed_it_is_refused(app, organiser):
    """The sender and the organiser both use a guarded UPDATE: whoever is second loses."""
    event = make_event()
    now = utcnow()
    message = _schedule(event, organiser, now=now)
    # Another process claims it while this one still holds the row as it was read.
    db.session.execute(
        sa.update(EventMessage)
        .where(EventMessage.id == message.id)
        .values(state=EventMessageState.SENT)
        .execution_options(synchronize_session=False)
    )
    assert message.is_scheduled  # the stale copy
    with pytest.raises(NotAllowed, match="already been sent"):
        scheduled_messages.edit_scheduled_message(
            message,
            LaterMessage(CONFIRMED, "Changed", "Too late", now + timedelta(hours=4)),
            actor=organiser,
            now=now,
        )


def test_nobody_in_the_audience_when_it_goes_is_kept_as_reaching_nobody(app, organiser):
    event = make_event()
    now = utcnow()
    message = _schedule(event, organiser, now=now)
    assert scheduled_messages.send_due_messages(now=now + timedelta(hours=3)) == 1
    db.session.refresh(message)
    assert (message.state, message.recipients) == (EventMessageState.SENT, 0)


def test_a_message_sent_now_is_kept_in_the_history_too(app, organiser):
    event = make_event()
    make_registration(event, email="ava@example.com")
    sent = messaging.message_attendees(
        event, CONFIRMED, "Today", "Doors open at six.", actor=organiser, now=utcnow()
    )
    db.session.commit()
    (message,) = db.session.scalars(sa.select(EventMessage)).all()
    assert sent == message.recipients == 1
    assert (message.state, message.send_at, message.author_id) == ("sent", None, organiser.id)


def test_the_command_sends_what_is_due(app, runner, organiser):
    event = make_event()
    make_registration(event, email="ava@example.com")
    now = utcnow()
    message = _schedule(event, organiser, now=now - timedelta(hours=1), send_at=now)
    result = runner.invoke(args=["nclw", "send-scheduled-messages"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 waiting message." in result.output
    db.session.refresh(message)
    assert message.state == EventMessageState.SENT
    assert [m.to_address for m in _outbox()] == ["ava@example.com"]
