"""The public pages (the week, an event, support, privacy, accessibility), their form
messages and the error pages: every word they show goes through the catalogues."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from nclw.errors import NclwError
from nclw.events.details import AccessFeature, check_details
from nclw.events.models import Audience, EventFormat, EventStatus
from nclw.extensions import db
from nclw.forms import date_from_parts, time_from_text
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_edition, make_event, make_organisation, make_registration
from tests.support.pseudo import untranslated, write_pseudo_catalogue


def _page(app, path: str, status: int = 200) -> str:
    response = app.test_client().get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def _assert_translated(html: str, allowed=()) -> None:
    assert "⟪" in html
    assert untranslated(html, allowed=allowed) == [], untranslated(html, allowed=allowed)


def _the_week(**edition):
    """A week with a full in-person event, an online one, a cancelled one and one of each
    audience, so every card wording shows; returns the data the page shows as it is."""
    week = make_edition(summary="Seven days of events.", **edition)
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    host = make_organisation(name="Leaving Care Trust")
    events = [
        make_event(
            edition=week,
            host=host,
            starts_at=starts,
            title="Cooking on a budget",
            format=EventFormat.IN_PERSON,
            venue_name="Town Hall",
            address="1 High Street",
            capacity=1,
            audience=Audience.CARE_EXPERIENCED,
            min_age=18,
            max_age=25,
            access_features="step_free,bsl",
        ),
        make_event(edition=week, host=host, starts_at=starts, title="Careers chat", capacity=None),
        make_event(
            edition=week,
            host=host,
            starts_at=starts + timedelta(days=1),
            title="Housing rights",
            status=EventStatus.CANCELLED,
            cancel_reason="The speaker is ill.",
            audience=Audience.PROFESSIONALS,
        ),
        make_event(
            edition=week,
            host=host,
            starts_at=starts + timedelta(days=1),
            title="Money matters",
            format=EventFormat.HYBRID,
            venue_name="Library",
            capacity=5,
        ),
    ]
    make_registration(events[0])  # the only place: full, with a waiting list
    allowed = [
        week.theme,
        week.summary,
        host.name,
        "Town Hall",
        "1 High Street",
        "Library",
        "The speaker is ill.",
        "A test event.",
        "More about the test event.",
        "One thing",
        "Another thing",
        *(event.title for event in events),
    ]
    return week, events, allowed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?format=online",
        "?audience=professionals&access=bsl",
        "?format=hybrid&audience=everyone",
    ],
)
def test_the_week_page_with_its_events_is_all_translated(pseudo_app, query):
    _, _, allowed = _the_week()
    _assert_translated(_page(pseudo_app, "/" + query), allowed)


def test_the_week_page_without_a_week_is_all_translated(pseudo_app):
    _assert_translated(_page(pseudo_app, "/"))


def test_a_filter_that_finds_nothing_and_earlier_weeks_are_translated(pseudo_app):
    today = utcnow().date()
    earlier = make_edition(
        year=today.year - 1,
        theme="Last year's theme",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=393),
    )
    make_edition()
    db.session.commit()
    html = _page(pseudo_app, "/?access=quiet_room")
    assert "Last year" in html
    _assert_translated(html, ["Care leavers with careers", earlier.theme])


def test_a_finished_week_is_translated(pseudo_app):
    today = utcnow().date()
    week = make_edition(
        year=today.year - 1,
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=14),
    )
    db.session.commit()
    _assert_translated(_page(pseudo_app, f"/weeks/{week.year}"), [week.theme])


def test_every_kind_of_event_page_is_translated(pseudo_app):
    _, events, allowed = _the_week()
    events[3].supporters_allowed = True
    db.session.commit()
    for event in events:
        _assert_translated(_page(pseudo_app, f"/events/{event.slug}"), allowed)


def test_an_event_whose_sign_up_has_not_opened_is_translated(pseudo_app):
    event = make_event(
        registration_opens_at=utcnow() + timedelta(days=2), title="Later", summary="Soon."
    )
    html = _page(pseudo_app, f"/events/{event.slug}")
    _assert_translated(
        html,
        ["Later", "Soon.", event.host.name, "More about the test event.", "One thing"]
        + ["Another thing"],
    )


@pytest.mark.parametrize("path", ["/support", "/privacy", "/accessibility"])
def test_the_information_pages_are_translated(pseudo_app, path):
    _assert_translated(_page(pseudo_app, path))


def test_the_error_pages_are_translated(pseudo_app):
    _assert_translated(_page(pseudo_app, "/events/no-such-event", 404))
    _assert_translated(_page(pseudo_app, "/weeks/1999", 404))
    response = pseudo_app.test_client().post("/")
    assert response.status_code == 405
    _assert_translated(response.get_data(as_text=True))


def test_a_page_that_timed_out_is_translated(pseudo_app):
    pseudo_app.config["WTF_CSRF_ENABLED"] = True
    event = make_event()
    response = pseudo_app.test_client().post(
        f"/events/{event.slug}/lost-ticket", data={"email": "a@example.com"}
    )
    assert response.status_code == 400
    _assert_translated(response.get_data(as_text=True))


def test_the_500_page_is_translated_even_with_no_database(tmp_path, monkeypatch):
    catalogue = write_pseudo_catalogue(tmp_path / "pseudo")
    app = make_test_app(
        tmp_path,
        TESTING=False,
        DEVELOPMENT=False,
        QUESTION_ASKER_KEY="q" * 40,
        BABEL_TRANSLATION_DIRECTORIES=str(catalogue),
    )

    @app.get("/no-database")
    def no_database():
        def gone(*args, **kwargs):
            raise OperationalError("connect", {}, Exception("the database is gone"))

        monkeypatch.setattr(sa.engine.Engine, "connect", gone)
        db.session.execute(sa.text("select 1"))
        return "not reached"

    response = app.test_client().get("/no-database")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    _assert_translated(html)
    assert "⟪Sorry, something went wrong on our side⟫" in html


def test_form_messages_and_refusals_are_translated(pseudo_app):
    """The shared date-box messages, the events' refusals and the enum labels."""
    with pseudo_app.test_request_context("/"):
        messages = []
        for typed in (("", "", ""), ("1", "", ""), ("x", "1", "2027"), ("1", "1", "27")):
            with pytest.raises(ValueError) as caught:
                date_from_parts(*typed, subject="⟪The first day⟫")
            messages.append(str(caught.value))
        with pytest.raises(ValueError) as caught:
            time_from_text("25pm", subject="⟪The start⟫")
        messages.append(str(caught.value))
        start = utcnow()
        for details in (
            {"title": "", "summary": "s", "starts_at": start, "ends_at": start},
            {"title": "t", "summary": "s", "starts_at": start, "ends_at": start},
            {"title": "t" * 200, "summary": "s", "starts_at": start, "ends_at": start},
            {"title": "t\n", "summary": "s", "starts_at": start, "ends_at": start},
            {"capacity": 0, "starts_at": start, "ends_at": start},
        ):
            with pytest.raises(NclwError) as caught:
                check_details(details)
            messages.append(caught.value.message)
        messages += [feature.label for feature in AccessFeature]
        messages += [feature.need for feature in AccessFeature]
        messages += [fmt.label for fmt in EventFormat] + [who.label for who in Audience]
    for message in messages:
        assert untranslated(message, html=False) == [], message
