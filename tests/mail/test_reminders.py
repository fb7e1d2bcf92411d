"""Reminders: the day before, and an hour before online events; each one sent once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.events.models import EventFormat, EventStatus
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.reminders import queue_reminders
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration


def _kinds() -> list[tuple[str, int | None]]:
    return list(
        db.session.execute(
            sa.select(OutboxMessage.kind, OutboxMessage.registration_id).order_by(OutboxMessage.id)
        ).tuples()
    )


def test_day_before_reminder_is_queued_once_however_often_cron_runs(app):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=20), format=EventFormat.IN_PERSON)
    person = make_registration(event, confirmed_at=now - timedelta(days=3))
    make_registration(event, status=RegistrationStatus.WAITING)

    first = queue_reminders(now=now)
    again = queue_reminders(now=now + timedelta(minutes=10))

    assert first == {"reminder_day_before": 1, "reminder_hour_before": 0}
    assert again == {"reminder_day_before": 0, "reminder_hour_before": 0}
    assert _kinds() == [("reminder_day_before", person.id)]


def test_hour_before_reminder_goes_to_online_events_with_the_joining_link(app):
    now = utcnow()
    online = make_event(starts_at=now + timedelta(minutes=50), format=EventFormat.ONLINE)
    in_person = make_event(starts_at=now + timedelta(minutes=50), format=EventFormat.IN_PERSON)
    person = make_registration(online, confirmed_at=now - timedelta(days=2))
    make_registration(in_person, confirmed_at=now - timedelta(days=2))

    assert queue_reminders(now=now)["reminder_hour_before"] == 1
    assert queue_reminders(now=now)["reminder_hour_before"] == 0

    [row] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert (row.kind, row.registration_id) == ("reminder_hour_before", person.id)
    assert online.online_url in row.text_body
    assert person.reference in row.text_body


def test_no_reminders_for_cancelled_events_or_people_who_just_signed_up(app):
    now = utcnow()
    cancelled = make_event(starts_at=now + timedelta(hours=20), status=EventStatus.CANCELLED)
    make_registration(cancelled, confirmed_at=now - timedelta(days=3))
    soon = make_event(starts_at=now + timedelta(hours=20))
    make_registration(soon, confirmed_at=now - timedelta(hours=1))

    assert queue_reminders(now=now) == {"reminder_day_before": 0, "reminder_hour_before": 0}


def test_a_moved_event_earns_a_new_reminder(app):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=20))
    make_registration(event, confirmed_at=now - timedelta(days=3))
    assert queue_reminders(now=now)["reminder_day_before"] == 1

    event.starts_at = now + timedelta(hours=22)
    event.ends_at = event.starts_at + timedelta(hours=1)
    event.sequence += 1
    db.session.commit()

    assert queue_reminders(now=now)["reminder_day_before"] == 1
    assert queue_reminders(now=now)["reminder_day_before"] == 0


def test_send_reminders_command_is_idempotent(app, runner):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=20))
    make_registration(event, confirmed_at=now - timedelta(days=3))

    first = runner.invoke(args=["nclw", "send-reminders"])
    second = runner.invoke(args=["nclw", "send-reminders"])

    assert first.exit_code == 0, first.output
    assert "Queued 1 day-before" in first.output
    assert "Queued 0 day-before" in second.output
    assert db.session.query(OutboxMessage).count() == 1


def _race_two_runs(app, now) -> list[dict]:
    start = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(queue_reminders(now=now))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 — surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def _people_due_tomorrow(count: int):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=20), capacity=None)
    for _ in range(count):
        make_registration(event, confirmed_at=now - timedelta(days=3))
    return now


def test_two_overlapping_runs_queue_each_reminder_once_on_sqlite(app):
    now = _people_due_tomorrow(30)

    results = _race_two_runs(app, now)

    assert sum(r["reminder_day_before"] for r in results) == 30
    assert db.session.query(OutboxMessage).count() == 30


@pytest.mark.postgres
def test_two_overlapping_runs_queue_each_reminder_once_on_postgresql(
    tmp_path, postgres_database_url
):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_database_url)
    with app.app_context():
        now = _people_due_tomorrow(30)

        results = _race_two_runs(app, now)

        assert sum(r["reminder_day_before"] for r in results) == 30
        assert db.session.query(OutboxMessage).count() == 30
        db.session.remove()
        db.engine.dispose()
