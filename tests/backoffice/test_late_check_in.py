"""Check-ins sent late from a desk that lost its connection: done once, whenever they arrive."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nclw import PROJECT_ROOT
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput
from nclw.extensions import db
from nclw.registrations import on_the_day
from nclw.security import PERMISSIONS_POLICY, PERMISSIONS_POLICY_WITH_CAMERA
from tests.conftest import login, make_test_app
from tests.factories import make_event, make_registration

# 10:00 in London on the event's day (British Summer Time).
STARTS = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def _check_ins() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "registration.checked_in")
    )


@pytest.fixture
def on_the_day_event(week):
    week.event.starts_at = STARTS
    week.event.ends_at = STARTS + timedelta(hours=6)
    db.session.commit()
    return week


@pytest.mark.parametrize(
    ("scanned", "kept"),
    [
        (STARTS + timedelta(minutes=5), True),  # sent 40 minutes late: the scan's time
        (None, False),  # no time sent
        (STARTS + timedelta(hours=2), False),  # in the future
        (STARTS - timedelta(days=2), False),  # before the event's day
        (STARTS - timedelta(hours=9, minutes=30), True),  # 00:30 that day, UK time
        (datetime(2026, 10, 20, 9, 5), False),  # no time zone: cannot say when it was
    ],
)
def test_a_late_check_in_keeps_the_scan_time_only_when_plausible(app, scanned, kept):
    event = make_event(starts_at=STARTS)
    now = STARTS + timedelta(minutes=45)
    expected = scanned if kept else now
    assert on_the_day.arrival_time(event, scanned, now=now) == expected


def test_a_phone_clock_a_little_fast_counts_as_now(app):
    event = make_event(starts_at=STARTS)
    now = STARTS + timedelta(minutes=45)
    ahead = now + timedelta(seconds=30)
    assert on_the_day.arrival_time(event, ahead, now=now) == now


def test_a_check_in_sent_twice_is_done_once_and_says_so(app, on_the_day_event):
    week = on_the_day_event
    now = STARTS + timedelta(minutes=45)
    scanned = STARTS + timedelta(minutes=5)
    first = on_the_day.check_in_sent(
        week.event,
        reference=f"https://nclw.test/admin/events/{week.event.id}/check-in"
        f"?reference={week.confirmed.reference}",
        actor=week.organiser,
        now=now,
        scanned_at=scanned,
    )
    assert not first.already and first.message.endswith("(Ava) is checked in.")
    assert week.confirmed.checked_in_at == scanned
    again = on_the_day.check_in_sent(
        week.event,
        registration_id=week.confirmed.id,
        actor=week.organiser,
        now=now + timedelta(minutes=1),
        scanned_at=now,
    )
    assert again.already
    assert again.message == f"{week.confirmed.reference} (Ava) was already checked in at 10:05am."
    assert week.confirmed.checked_in_at == scanned
    assert _check_ins() == 1


def test_a_check_in_sent_for_someone_elsewhere_is_refused(app, week, door):
    other = make_registration(make_event(title="Open day"))
    with pytest.raises(InvalidInput, match="no ticket for this event"):
        on_the_day.check_in_sent(week.event, registration_id=other.id, actor=door, now=STARTS)
    with pytest.raises(InvalidInput, match="This ticket is for “Open day”"):
        on_the_day.check_in_sent(week.event, reference=other.reference, actor=door, now=STARTS)
    with pytest.raises(Forbidden):
        on_the_day.check_in_sent(other.event, registration_id=other.id, actor=door, now=STARTS)
    assert other.checked_in_at is None


def test_the_desk_script_checks_in_with_json(app, door_client, week):
    url = f"/admin/events/{week.event.id}/check-in/sent"
    sent = {"registration_id": week.confirmed.id, "scanned_at": "2020-01-01T09:00:00.000Z"}
    first = door_client.post(url, json=sent)
    assert first.status_code == 200 and first.json["ok"] and not first.json["already"]
    again = door_client.post(url, json={"reference": week.confirmed.reference})
    assert again.status_code == 200 and again.json["already"]
    assert "was already checked in" in again.json["message"]
    assert _check_ins() == 1
    # A time years before the event is not believed.
    db.session.refresh(week.confirmed)
    assert week.confirmed.checked_in_at.year > 2020
    # Nothing is flashed: the script says it on the page it is on.
    assert "is checked in" not in door_client.get(url.removesuffix("/sent")).text


@pytest.mark.parametrize(
    "sent",
    [{}, {"reference": "nonsense"}, {"registration_id": True}, {"registration_id": 2**40}],
)
def test_the_desk_script_gets_json_refusals(app, door_client, week, sent):
    answer = door_client.post(f"/admin/events/{week.event.id}/check-in/sent", json=sent)
    assert answer.status_code == 422 and answer.json["ok"] is False and answer.json["message"]


def test_the_desk_script_needs_the_form_token_in_a_header(tmp_path):
    from nclw.accounts.models import Role
    from tests.factories import make_user

    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        person = make_registration(event)
        client = app.test_client()
        login(client, make_user(Role.ORGANISER))
        page = client.get(f"/admin/events/{event.id}/check-in").text
        token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
        url = f"/admin/events/{event.id}/check-in/sent"
        assert client.post(url, json={"registration_id": person.id}).status_code == 400
        done = client.post(url, json={"registration_id": person.id}, headers={"X-CSRFToken": token})
        assert done.status_code == 200 and done.json["ok"]
        db.session.remove()
        db.engine.dispose()


def test_only_the_desk_may_ask_for_the_camera(app, door_client, week):
    desk = door_client.get(f"/admin/events/{week.event.id}/check-in")
    assert desk.headers["Permissions-Policy"] == PERMISSIONS_POLICY_WITH_CAMERA
    assert door_client.get("/door/").headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY


def test_the_vendored_qr_decoder_has_its_licence_and_version():
    folder = Path(PROJECT_ROOT) / "static" / "vendor" / "jsqr"
    assert (folder / "jsQR.js").stat().st_size > 100_000
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^Version: \d+\.\d+\.\d+$", readme, re.MULTILINE)
    assert "npm" in readme and "jsqr" in readme
