"""Organisers set up each year's week and change it, from an empty database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput
from nclw.events import weeks
from nclw.events.models import Edition, Event, EventStatus
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import (
    make_edition,
    make_event,
    make_organisation,
    make_registration,
    make_user,
)
from tests.support.html_validation import html_errors_many

FORM = {
    "year": "2031",
    "theme": "Care leavers with careers",
    "starts_on": "2031-10-26",
    "ends_on": "2031-11-01",
    "summary": "A week of events for care leavers.",
}


def _details(**changes) -> weeks.WeekDetails:
    values = {
        "year": 2031,
        "theme": "Care leavers with careers",
        "starts_on": date(2031, 10, 26),
        "ends_on": date(2031, 11, 1),
        "summary": "",
    }
    values.update(changes)
    return weeks.WeekDetails(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": 1999}, "Enter a year from 2000 to 2100."),
        ({"theme": "  "}, "Enter the week's theme."),
        ({"theme": "Careers\nweek"}, "without hidden characters"),
        ({"ends_on": date(2031, 10, 25)}, "The last day must be the same as the first day"),
        ({"starts_on": date(2030, 10, 26)}, "The first day must be in 2031."),
        ({"ends_on": date(2031, 12, 1)}, "A week can last 31 days at most."),
    ],
)
def test_a_week_that_breaks_a_rule_is_refused_with_the_reason(app, changes, message):
    with pytest.raises(InvalidInput, match=message):
        weeks.create_week(_details(**changes), actor=None, now=utcnow())
    assert db.session.scalars(sa.select(Edition)).all() == []


def test_one_week_a_year(app):
    weeks.create_week(_details(), actor=None, now=utcnow())
    with pytest.raises(InvalidInput, match="There is already a week for 2031."):
        weeks.create_week(_details(theme="Again"), actor=None, now=utcnow())


def test_a_weeks_days_must_still_hold_its_events(app):
    week = make_edition(year=2031, starts_on=date(2031, 10, 26), ends_on=date(2031, 11, 1))
    make_event(edition=week, title="Careers", starts_at=datetime(2031, 10, 31, 23, 30, tzinfo=UTC))
    # 23:30 UTC on 31 October is still 31 October in the UK (GMT by then): the 30th won't do.
    with pytest.raises(InvalidInput, match="1 of this week's events would fall outside"):
        weeks.update_week(week, _details(ends_on=date(2031, 10, 30)), actor=None, now=utcnow())
    weeks.update_week(week, _details(ends_on=date(2031, 10, 31)), actor=None, now=utcnow())
    assert week.ends_on == date(2031, 10, 31)


def test_an_organiser_sets_up_the_first_week_from_an_empty_back_office(app, client):
    organiser = make_user(email="boss@example.org")
    login(client, organiser)
    dashboard = client.get("/admin/")
    assert "There is no week yet." in dashboard.text
    assert 'href="/admin/weeks/new"' in dashboard.text
    form_page = client.get("/admin/weeks/new")

    refused = client.post("/admin/weeks/new", data={**FORM, "ends_on": "2031-10-01"})
    assert refused.status_code == 400
    assert "The last day must be the same as the first day or after it." in refused.text
    assert 'value="Care leavers with careers"' in refused.text  # what was typed is kept

    saved = client.post("/admin/weeks/new", data=FORM, follow_redirects=True)
    assert saved.status_code == 200
    assert "The 2031 week is set up. Now add its events." in saved.text
    [week] = db.session.scalars(sa.select(Edition)).all()
    assert (week.year, week.starts_on, week.ends_on) == (
        2031,
        date(2031, 10, 26),
        date(2031, 11, 1),
    )
    assert "26 October to 1 November 2031" in saved.text
    created = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "week.created"))
    assert created is not None and created.summary == "2031: Care leavers with careers"

    edit = client.get(f"/admin/weeks/{week.id}/edit")
    # The day, month and year boxes hold the saved date.
    assert 'id="starts_on" name="starts_on-day" type="text" inputmode="numeric" value="26"' in (
        edit.text
    )
    assert 'name="starts_on-month" type="text" inputmode="numeric" value="10"' in edit.text
    assert 'name="starts_on-year" type="text" inputmode="numeric" value="2031"' in edit.text
    changed = client.post(
        f"/admin/weeks/{week.id}/edit",
        data={**FORM, "theme": "Careers for care leavers"},
        follow_redirects=True,
    )
    assert "The week is saved." in changed.text
    db.session.refresh(week)
    assert week.theme == "Careers for care leavers"
    pages = {"form": form_page.text, "refused": refused.text, "list": saved.text, "edit": edit.text}
    assert {name: errors for name, errors in html_errors_many(pages).items() if errors} == {}


def test_only_organisers_set_up_weeks(app, client):
    from nclw.accounts.models import Role

    partner = make_user(Role.PARTNER, organisation=make_organisation())
    login(client, partner)
    assert client.get("/admin/weeks").status_code == 403
    assert client.post("/admin/weeks/new", data=FORM).status_code == 403
    assert db.session.scalars(sa.select(Edition)).all() == []


def test_an_event_is_never_given_a_host_or_week_nobody_chose(app, client):
    make_edition(year=2031, starts_on=date(2031, 10, 26), ends_on=date(2031, 11, 1))
    make_organisation(name="Catch22")
    login(client, make_user())
    page = client.get("/admin/events/new")
    host_list = page.text.split('id="host_id"')[1].split("</select>")[0]
    assert host_list.count("<option") == 2 and "selected" not in host_list  # none chosen
    assert '<option value="0">Choose the host organisation</option>' in host_list
    refused = client.post(
        "/admin/events/new",
        data={
            "title": "Mock interviews",
            "summary": "Practise.",
            "starts_at": "2031-10-28T16:00",
            "ends_at": "2031-10-28T17:00",
            "format": "online",
            "audience": "everyone",
        },
    )
    assert refused.status_code == 400
    assert "Choose the host organisation" in refused.text
    assert "Choose the week" in refused.text
    assert "Choose one of the options in the list" not in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_copying_a_week_keeps_each_events_weekday_and_uk_time_across_the_clock_change(app):
    # 2026: Saturday 24 October (British Summer Time) to Friday 30 October (GMT from the 25th).
    source = make_edition(year=2026, starts_on=date(2026, 10, 24), ends_on=date(2026, 10, 30))
    host = make_organisation(name="Catch22")
    saturday = make_event(
        edition=source,
        host=host,
        title="Careers fair",
        starts_at=datetime(2026, 10, 24, 9, 0, tzinfo=UTC),  # 10:00 BST
        ends_at=datetime(2026, 10, 24, 11, 0, tzinfo=UTC),
        capacity=30,
    )
    monday = make_event(
        edition=source,
        host=host,
        title="Mock interviews",
        starts_at=datetime(2026, 10, 26, 16, 0, tzinfo=UTC),  # 16:00 GMT
        ends_at=datetime(2026, 10, 26, 17, 30, tzinfo=UTC),
    )
    make_registration(saturday)
    organiser = make_user()

    week = weeks.copy_week(source, year=2027, actor=organiser, now=utcnow())
    db.session.commit()

    # 2027: the Saturday nearest 24 October is the 23rd.
    assert (week.starts_on, week.ends_on) == (date(2027, 10, 23), date(2027, 10, 29))
    fair, interviews = sorted(week.events, key=lambda event: event.starts_at)
    # Clocks go back on 31 October 2027: both are on summer time now, at the same UK times.
    assert fair.starts_at == datetime(2027, 10, 23, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert interviews.starts_at == datetime(2027, 10, 25, 15, 0, tzinfo=UTC)  # 16:00 BST
    assert interviews.ends_at == datetime(2027, 10, 25, 16, 30, tzinfo=UTC)
    for copy, original in ((fair, saturday), (interviews, monday)):
        assert copy.status == EventStatus.DRAFT
        assert (copy.title, copy.host_id, copy.capacity) == (
            original.title,
            original.host_id,
            original.capacity,
        )
        assert copy.slug != original.slug
        assert copy.confirmed_count == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(Registration.event_id == fair.id)
        )
        == 0
    )
    with pytest.raises(InvalidInput, match="There is already a week for 2027."):
        weeks.copy_week(source, year=2027, actor=organiser, now=utcnow())


def test_the_weeks_page_copies_a_week_to_next_year(app, client):
    source = make_edition(year=2026, starts_on=date(2026, 10, 24), ends_on=date(2026, 10, 30))
    make_event(
        edition=source, title="Careers fair", starts_at=datetime(2026, 10, 24, 9, tzinfo=UTC)
    )
    login(client, make_user())
    page = client.get("/admin/weeks")
    assert "Copy to 2027" in page.text

    copied = client.post(f"/admin/weeks/{source.id}/copy", follow_redirects=True)

    assert "The 2027 week is set up with 1 event as drafts" in copied.text
    assert "Careers fair" in copied.text and "Draft" in copied.text
    assert "Copy to 2027" not in client.get("/admin/weeks").text
