"""When sign-up opens and closes: set on the event form in UK time, checked by the rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.backoffice import wording
from nclw.errors import InvalidInput
from nclw.events import services
from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.registrations import event_changes
from nclw.timezones import to_uk
from tests.backoffice.helpers import event_form_data
from tests.factories import make_edition, make_organisation

NOW = datetime(2030, 9, 1, 9, 0, tzinfo=UTC)
# Monday 28 October 2030, 4pm UK time: the clocks went back the day before, so UK is UTC.
STARTS = datetime(2030, 10, 28, 16, 0, tzinfo=UTC)


def _details(**overrides) -> dict:
    values = {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=1),
        "format": "online",
        "capacity": 20,
        "audience": "everyone",
        "host_id": make_organisation().id,
        "edition_id": make_edition().id,
    }
    values.update(overrides)
    return values


# --- The rules ----------------------------------------------------------------------------


def test_a_window_before_the_start_is_kept(app, week):
    opens, closes = STARTS - timedelta(days=20), STARTS
    event = services.create_event(
        _details(registration_opens_at=opens, registration_closes_at=closes),
        actor=week.organiser,
        now=NOW,
    )
    assert (event.registration_opens_at, event.registration_closes_at) == (opens, closes)


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            {
                "registration_opens_at": STARTS - timedelta(days=1),
                "registration_closes_at": STARTS - timedelta(days=2),
            },
            "close after it opens",
        ),
        (
            {
                "registration_opens_at": STARTS - timedelta(days=1),
                "registration_closes_at": STARTS - timedelta(days=1),
            },
            "close after it opens",
        ),
        (
            {"registration_closes_at": STARTS + timedelta(minutes=1)},
            "close by the time the event starts",
        ),
        ({"registration_opens_at": STARTS}, "open before the event starts"),
    ],
)
def test_a_window_that_could_not_work_is_refused(app, week, window, message):
    with pytest.raises(InvalidInput, match=message):
        services.create_event(_details(**window), actor=week.organiser, now=NOW)


def test_moving_the_start_before_sign_up_closes_is_refused(app, week):
    event = week.event
    event.registration_closes_at = event.starts_at - timedelta(hours=1)
    db.session.commit()
    earlier = event.starts_at - timedelta(hours=2)
    with pytest.raises(InvalidInput, match="close by the time the event starts"):
        event_changes.update_event(
            event,
            {"starts_at": earlier, "ends_at": earlier + timedelta(hours=1)},
            actor=week.organiser,
            now=NOW,
        )


# --- The form -----------------------------------------------------------------------------


def _form(organisation_id: int, edition_id: int, **changes) -> dict:
    values = {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "host_id": organisation_id,
        "edition_id": edition_id,
        "starts_at": "2030-10-28T16:00",
        "ends_at": "2030-10-28T17:30",
        "format": "online",
        "online_url": "https://meet.example.org/cv",
        "capacity": "20",
        "audience": "everyone",
        "registration_opens_at": "2030-10-01T09:00",
        "registration_closes_at": "2030-10-28T12:00",
    }
    values.update(changes)
    return values


def _new_event(organiser_client) -> tuple[Event, dict]:
    organisation, edition = make_organisation(name="Catch22"), make_edition()
    db.session.commit()
    data = _form(organisation.id, edition.id)
    response = organiser_client.post("/admin/events/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(sa.select(Event).where(Event.title == "CV clinic")), data


def test_create_with_a_window_typed_in_uk_time(organiser_client, week):
    event, _ = _new_event(organiser_client)
    # 9am on 1 October is British Summer Time (UTC+1); noon on 28 October is GMT.
    assert event.registration_opens_at == datetime(2030, 10, 1, 8, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2030, 10, 28, 12, 0, tzinfo=UTC)
    page = organiser_client.get(f"/admin/events/{event.id}").get_data(as_text=True)
    assert "Opens Tuesday 1 October 2030 at 9am (UK time)." in page
    assert "Closes Monday 28 October 2030 at 12 noon (UK time)." in page


def test_an_event_without_a_window_says_when_sign_up_runs(organiser_client, week):
    # The week's event is published: sign-up opened then, and it is open now.
    page = organiser_client.get(f"/admin/events/{week.event.id}").get_data(as_text=True)
    assert "Opened when the event was published." in page
    assert "Closes when the event starts." in page
    assert "Opens when the event is published." not in page
    week.event.status = EventStatus.DRAFT
    db.session.commit()
    page = organiser_client.get(f"/admin/events/{week.event.id}").get_data(as_text=True)
    assert "Opens when the event is published." in page


def _window(now: datetime, **values) -> tuple[str, str]:
    event = Event(
        status=values.pop("status", EventStatus.PUBLISHED),
        starts_at=STARTS,
        registration_opens_at=values.pop("opens", None),
        registration_closes_at=values.pop("closes", None),
    )
    return wording.sign_up_window(event, now=now)


@pytest.mark.parametrize(
    ("now", "values", "said"),
    [
        (
            NOW,
            {"status": EventStatus.DRAFT},
            ("Opens when the event is published.", "Closes when the event starts."),
        ),
        (NOW, {}, ("Opened when the event was published.", "Closes when the event starts.")),
        (STARTS, {}, ("Opened when the event was published.", "Closed when the event started.")),
        (
            NOW,
            {"opens": NOW + timedelta(days=30), "closes": STARTS - timedelta(days=1)},
            (
                "Opens Tuesday 1 October at 10am (UK time).",
                "Closes Sunday 27 October at 4pm (UK time).",
            ),
        ),
        (
            STARTS - timedelta(hours=1),
            {"opens": NOW + timedelta(days=30), "closes": STARTS - timedelta(days=1)},
            (
                "Opened Tuesday 1 October at 10am (UK time).",
                "Closed Sunday 27 October at 4pm (UK time).",
            ),
        ),
        (NOW, {"status": EventStatus.CANCELLED}, ("Closed: the event is cancelled.", "")),
    ],
    ids=["draft", "published", "started", "window ahead", "window behind", "cancelled"],
)
def test_the_sign_up_window_is_said_as_it_stands_now(app, now, values, said):
    with app.test_request_context():
        assert _window(now, **values) == said


def test_the_edit_form_shows_the_window_and_saves_changes(organiser_client, week):
    event, data = _new_event(organiser_client)
    url = f"/admin/events/{event.id}/edit"
    form = organiser_client.get(url).get_data(as_text=True)
    # Day, month, year and time boxes hold the window on a UK clock.
    for part, value in (("day", "1"), ("month", "10"), ("year", "2030")):
        assert (
            f'name="registration_opens_at-{part}" type="text" inputmode="numeric" value="{value}"'
            in form
        )
    assert 'name="registration_opens_at-time" type="text" value="09:00"' in form
    assert 'name="registration_closes_at-time" type="text" value="12:00"' in form
    saved = organiser_client.post(
        url,
        data={**data, "registration_opens_at": "", "registration_closes_at": "2030-10-27T18:00"},
    )
    assert saved.status_code == 302
    db.session.refresh(event)
    assert event.registration_opens_at is None
    assert event.registration_closes_at == datetime(2030, 10, 27, 18, 0, tzinfo=UTC)


def test_saving_an_unchanged_window_keeps_its_exact_times(organiser_client, week):
    event = week.event
    event.registration_opens_at = event.starts_at - timedelta(days=3, seconds=-17)
    db.session.commit()
    exact = event.registration_opens_at
    data = event_form_data(event, registration_opens_at=to_uk(exact).strftime("%Y-%m-%dT%H:%M"))
    assert organiser_client.post(f"/admin/events/{event.id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    assert event.registration_opens_at == exact


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_closes_at": "2030-09-30T09:00"}, b"Sign-up must close after it opens."),
        ({"registration_closes_at": "2030-10-28T16:01"}, b"close by the time the event starts"),
        (
            {"registration_opens_at": "2030-10-29T09:00", "registration_closes_at": ""},
            b"open before the event starts",
        ),
        (
            {"registration_opens_at": "next Tuesday"},
            b"The time sign-up opens must be a real date and time",
        ),
    ],
)
def test_a_window_that_cannot_work_is_refused_with_a_message(
    organiser_client, week, changes, message
):
    organisation, edition = make_organisation(), make_edition()
    db.session.commit()
    response = organiser_client.post(
        "/admin/events/new", data=_form(organisation.id, edition.id, **changes)
    )
    assert response.status_code == 400
    assert message in response.data
    assert b"There is a problem" in response.data
    assert db.session.scalar(sa.select(Event).where(Event.title == "CV clinic")) is None


def test_a_date_that_is_not_one_is_not_put_back_in_the_date_box(organiser_client, week):
    organisation, edition = make_organisation(), make_edition()
    db.session.commit()
    response = organiser_client.post(
        "/admin/events/new",
        data=_form(organisation.id, edition.id, registration_opens_at="soon"),
    )
    assert response.status_code == 400
    assert "Not a valid" not in response.text
    # The day, month, year and time boxes cannot hold "soon": they show empty, with the message.
    assert "The time sign-up opens must be a real date and time" in response.text
    box = re.search(r'<input[^>]*name="registration_opens_at-day"[^>]*>', response.text).group(0)
    assert 'value=""' in box
    assert 'value="soon"' not in response.text


def test_an_edit_that_breaks_the_window_is_refused(organiser_client, week):
    event, data = _new_event(organiser_client)
    response = organiser_client.post(
        f"/admin/events/{event.id}/edit", data={**data, "starts_at": "2030-10-28T11:00"}
    )
    assert response.status_code == 400
    assert b"close by the time the event starts" in response.data
    db.session.refresh(event)
    assert to_uk(event.starts_at).hour == 16
