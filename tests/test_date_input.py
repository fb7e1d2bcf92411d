"""Dates are typed as day, month and year boxes (and a time box); one ISO value is still read."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from nclw.backoffice.forms import EventForm
from nclw.events.models import Edition
from nclw.extensions import db
from nclw.forms import date_from_parts, date_from_text, time_from_text
from nclw.partners.forms import SessionDetailsForm
from tests.conftest import login
from tests.factories import make_user

WEEK = {"year": "2031", "theme": "Care leavers with careers", "summary": ""}


def _boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("27", "", "2027", "The first day must include a month"),
        ("", "", "2027", "The first day must include a day and month"),
        ("31", "2", "2027", "The first day must be a real date"),
        ("29", "2", "2027", "The first day must be a real date"),
        ("27", "13", "2027", "The first day must be a real date"),
        ("27", "Oct", "2027", "The first day must be a real date"),
        ("-1", "10", "2027", "The first day must be a real date"),
        ("27", "10", "27", "The year of the first day must include 4 numbers, like 2027"),
        ("٢٧", "10", "2027", "The first day must be a real date"),  # not 0-9: int() would take it
    ],
)
def test_boxes_that_hold_no_date_say_what_to_fix(day, month, year, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        date_from_parts(day, month, year, subject="The first day")


def test_boxes_that_hold_a_date_give_it_leap_days_and_spaces_too():
    assert date_from_parts("27", "10", "2027", subject="X") == date(2027, 10, 27)
    assert date_from_parts(" 7 ", "03", "2027", subject="X") == date(2027, 3, 7)
    assert date_from_parts("29", "2", "2028", subject="X") == date(2028, 2, 29)


def test_one_whole_date_is_read_as_iso_or_as_a_uk_date():
    assert date_from_text("2027-10-27", subject="X") == date(2027, 10, 27)
    assert date_from_text("27/10/2027", subject="X") == date(2027, 10, 27)
    with pytest.raises(ValueError, match="^The date must be a real date$"):
        date_from_text("10/27/2027x", subject="The date")


def test_the_field_reads_boxes_or_one_iso_value_and_keeps_what_was_typed(app):
    with app.test_request_context(method="POST"):
        boxes = SessionDetailsForm(formdata=MultiDict(_boxes("day", "27", "10", "2027")))
        assert boxes.day.data == date(2027, 10, 27)
        iso = SessionDetailsForm(formdata=MultiDict({"day": "2027-10-27"}))
        assert iso.day.data == date(2027, 10, 27)
        wrong = SessionDetailsForm(formdata=MultiDict(_boxes("day", "31", "02", "2027")))
        wrong.validate()
        assert wrong.day.errors == ["The date must be a real date"]
        # Shown again as typed, so the person can put it right.
        assert [box.value for box in wrong.day.parts()] == ["31", "02", "2027"]
        assert [box.id for box in wrong.day.parts()] == ["day", "day-month", "day-year"]
        empty = SessionDetailsForm(formdata=MultiDict(_boxes("day", "", "", "")))
        empty.validate()
        assert empty.day.errors == ["Enter the date of the session"]


@pytest.fixture
def organiser(client):
    user = make_user()
    login(client, user)
    return user


def test_a_week_is_set_up_from_the_day_month_and_year_boxes(client, organiser):
    data = {
        **WEEK,
        **_boxes("starts_on", "26", "10", "2031"),
        **_boxes("ends_on", "1", "11", "2031"),
    }
    assert client.post("/admin/weeks/new", data=data).status_code == 302
    week = db.session.scalar(sa.select(Edition))
    assert (week.starts_on, week.ends_on) == (date(2031, 10, 26), date(2031, 11, 1))


def test_a_week_is_still_set_up_from_iso_dates(client, organiser):
    data = {**WEEK, "starts_on": "2031-10-26", "ends_on": "2031-11-01"}
    assert client.post("/admin/weeks/new", data=data).status_code == 302


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (_boxes("starts_on", "31", "2", "2031"), "The first day must be a real date"),
        (_boxes("starts_on", "26", "", ""), "The first day must include a month and year"),
        ({"starts_on": "2031-02-31"}, "The first day must be a real date"),
        ({}, "Enter the first day"),
    ],
)
def test_an_impossible_date_is_a_400_with_a_clear_message(client, organiser, boxes, message):
    data = {**WEEK, **boxes, **_boxes("ends_on", "1", "11", "2031")}
    page = client.post("/admin/weeks/new", data=data)
    assert page.status_code == 400
    assert message in page.text
    # The summary links to the day box, which carries the field's id.
    assert f'<a href="#starts_on">{message}</a>' in page.text
    assert 'id="starts_on" name="starts_on-day"' in page.text
    assert db.session.scalar(sa.select(Edition)) is None


def test_the_date_boxes_are_a_fieldset_with_a_hint_that_matches_them(client, organiser):
    page = client.get("/admin/weeks/new").text
    assert '<fieldset class="fieldset date-fieldset" aria-describedby="starts_on-hint">' in page
    assert "<legend>First day</legend>" in page
    assert '<p class="hint" id="starts_on-hint">For example, 25 10 2027</p>' in page
    for part in ("Day", "Month", "Year"):
        assert f">{part}</label>" in page
    assert 'type="date"' not in page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("16:00", time(16, 0)),
        ("16.30", time(16, 30)),
        ("9:05", time(9, 5)),
        ("4pm", time(16, 0)),
        ("4:30 pm", time(16, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("11 a.m.", time(11, 0)),
    ],
)
def test_a_time_is_read_as_people_write_it(typed, expected):
    assert time_from_text(typed, subject="The start") == expected


@pytest.mark.parametrize("typed", ["25:00", "16:60", "13pm", "0am", "soon", "4 o'clock", "١٦:00"])
def test_a_time_that_is_not_one_says_so(typed):
    with pytest.raises(ValueError, match="^The start must have a real time, like 16:00 or 4pm$"):
        time_from_text(typed, subject="The start")


def test_a_date_and_time_comes_from_four_boxes_or_one_iso_value(app):
    with app.test_request_context(method="POST"):
        boxes = {**_boxes("starts_at", "28", "10", "2027"), "starts_at-time": "4pm"}
        form = EventForm(formdata=MultiDict(boxes))
        assert form.starts_at.data == datetime(2027, 10, 28, 16, 0)
        assert [box.value for box in form.starts_at.parts()] == ["28", "10", "2027", "4pm"]
        iso = EventForm(formdata=MultiDict({"starts_at": "2027-10-28T16:00"}))
        assert iso.starts_at.data == datetime(2027, 10, 28, 16, 0)
        shown = EventForm(data={"starts_at": datetime(2027, 10, 28, 9, 5)})
        assert [box.value for box in shown.starts_at.parts()] == ["28", "10", "2027", "09:05"]
        no_time = EventForm(formdata=MultiDict(_boxes("starts_at", "28", "10", "2027")))
        no_time.starts_at.validate(no_time)
        assert no_time.starts_at.errors == ["The start must include a time"]
        nothing = EventForm(formdata=MultiDict({"starts_at-time": "16:00"}))
        nothing.starts_at.validate(nothing)
        assert nothing.starts_at.errors == ["The start must include a day, month and year"]
