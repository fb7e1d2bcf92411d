"""The audit log in plain words: sentences from the rows as they are now, and its filters."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.accounts.services import change_role, create_user
from nclw.audit.actions import AuditAction
from nclw.audit.models import AuditEntry
from nclw.audit.services import record_action
from nclw.backoffice import queries
from nclw.backoffice.audit_lines import audit_lines
from nclw.backoffice.queries import AuditFilters
from nclw.events.weeks import copy_week
from nclw.extensions import db
from nclw.registrations.event_changes import update_event
from nclw.registrations.on_the_day import check_in
from nclw.registrations.on_their_behalf import cancel_on_their_behalf
from nclw.registrations.personal_data import delete_my_details, purge_personal_data
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import (
    make_edition,
    make_event,
    make_organisation,
    make_registration,
    make_user,
)
from tests.support.html_validation import assert_valid_pages


@pytest.fixture
def sam(app):
    return make_user(Role.ORGANISER, name="Sam Patel", email="sam@example.org")


def _sentences() -> list[str]:
    return [line.sentence for line in audit_lines(queries.audit_log_page().items)]


def _page(client, **query) -> str:
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _log(page: str) -> str:
    """The list of entries (and its paging), without the filters above it."""
    return page.split('class="filters"')[1].split("</form>", 1)[1]


# --- Sentences -------------------------------------------------------------------------------


def test_an_organiser_cancelling_a_ticket_reads_with_the_attendees_first_name(app, client, sam):
    event = make_event(title="TOGETHER conference")
    alex = make_registration(event, first_name="Alex")
    cancel_on_their_behalf(alex, reason="Signed up twice.", actor=sam, now=utcnow())
    db.session.commit()
    login(client, sam)
    page = _page(client)
    assert "Sam Patel cancelled Alex's ticket for “TOGETHER conference”." in page
    assert "registration.cancelled" not in _log(page)
    # The reference the entry kept is shown beside it; the organiser's email is not repeated.
    assert f"{alex.reference} at TOGETHER conference" in page
    assert "sam@example.org" not in db.session.scalar(sa.select(AuditEntry.summary))


def test_once_the_details_are_deleted_the_name_is_gone_from_the_log(app, client, sam):
    event = make_event(title="TOGETHER conference")
    alex = make_registration(event, first_name="Alex")
    check_in(alex, actor=sam, now=utcnow())
    cancel_on_their_behalf(alex, reason="Signed up twice.", actor=sam, now=utcnow())
    db.session.commit()
    login(client, sam)
    assert "Sam Patel checked in Alex's ticket" in _page(client)

    delete_my_details(alex, now=utcnow())
    db.session.commit()
    page = _page(client)
    assert "Alex" not in page
    assert "Sam Patel checked in a ticket for “TOGETHER conference”." in page
    assert "Sam Patel cancelled a ticket for “TOGETHER conference”." in page
    assert (
        "The ticket holder deleted their details from a ticket for “TOGETHER conference”." in page
    )
    # Nor is it anywhere in the log's own rows, to be shown again later.
    rows = db.session.execute(sa.select(AuditEntry)).scalars()
    assert not any("Alex" in str(vars(row)) for row in rows)


def test_the_purge_is_the_systems_and_leaves_no_names(app, sam):
    ended = make_event(title="Careers fair", starts_at=utcnow() - timedelta(days=40))
    make_registration(ended, first_name="Jade")
    assert purge_personal_data(older_than_days=30, now=utcnow()) == 1
    db.session.commit()
    [line] = audit_lines(queries.audit_log_page().items)
    assert line.sentence == (
        "The system removed people's details from the tickets of events that have ended."
    )
    assert "Jade" not in line.details


def test_an_event_changed_reads_with_its_title_and_what_changed(app, sam):
    event = make_event(title="CV clinic")
    update_event(event, {"title": "CV and interview clinic"}, actor=sam, now=utcnow())
    db.session.commit()
    [line] = audit_lines(queries.audit_log_page().items)
    assert line.sentence == "Sam Patel changed the details of “CV and interview clinic”."
    assert line.details == "changed title"


def test_a_week_copied_reads_with_its_year_and_theme(app, sam):
    source = make_edition(
        year=2030,
        theme="Care leavers with careers",
        starts_on=date(2030, 10, 25),
        ends_on=date(2030, 10, 31),
    )
    make_event(edition=source, starts_at=datetime(2030, 10, 28, 15, tzinfo=UTC))
    copy_week(source, year=2031, actor=sam, now=utcnow())
    db.session.commit()
    copied, *earlier = audit_lines(queries.audit_log_page().items)
    assert copied.sentence == (
        "Sam Patel copied an earlier week to set up the 2031 week, “Care leavers with careers”."
    )
    assert copied.details == "2030 to 2031: 1 events as drafts"
    assert "Sam Patel set up the 2031 week, “Care leavers with careers”." in [
        line.sentence for line in earlier
    ]


def test_a_role_change_names_the_person_from_their_account(app, sam):
    jo = make_user(Role.ORGANISER, name="Jo Bloggs", email="jo@example.org")
    catch22 = make_organisation(name="Catch22")
    change_role(jo, Role.PARTNER, organisation=catch22, actor=sam, now=utcnow())
    db.session.commit()
    [line] = audit_lines(queries.audit_log_page().items)
    assert line.sentence == "Sam Patel changed the role of Jo Bloggs."
    assert line.details == "organiser to partner (Catch22)"
    # A person with no name is known by their email.
    jo.name = ""
    db.session.commit()
    assert _sentences() == ["Sam Patel changed the role of jo@example.org."]


def test_an_account_made_from_the_command_line_is_the_systems_doing(app):
    create_user(
        "lead@example.org", "correct horse battery", role=Role.ORGANISER, actor=None, now=utcnow()
    )
    db.session.commit()
    assert _sentences() == ["The system created an account for lead@example.org."]


def test_an_old_action_name_and_a_deleted_account_still_read_sensibly(app, client, sam):
    db.session.add(
        AuditEntry(action="event.exploded", actor_label="gone@example.org", summary="boom")
    )
    db.session.commit()
    login(client, sam)
    page = _page(client)
    assert "gone@example.org did something the log calls “event.exploded”." in page
    assert "boom" in page


# --- Filters ---------------------------------------------------------------------------------


def _entry(at: datetime, action: AuditAction = AuditAction.EVENT_CREATED, **values) -> AuditEntry:
    entry = AuditEntry(at=at, action=action, actor_label="system", **values)
    db.session.add(entry)
    db.session.flush()
    return entry


# The clocks go back at 2am BST on Sunday 25 October 2026: that UK day is 25 hours long.
AUTUMN = {
    "sat_last_minute": datetime(2026, 10, 24, 22, 59, tzinfo=UTC),  # 23:59 BST on the 24th
    "sun_first_minute": datetime(2026, 10, 24, 23, 0, tzinfo=UTC),  # 00:00 BST on the 25th
    "sun_last_minute": datetime(2026, 10, 25, 23, 59, tzinfo=UTC),  # 23:59 GMT on the 25th
    "mon_first_minute": datetime(2026, 10, 26, 0, 0, tzinfo=UTC),  # 00:00 GMT on the 26th
}


def test_dates_are_whole_uk_days_both_included_across_the_clocks_going_back(app):
    made = {name: _entry(at) for name, at in AUTUMN.items()}
    sunday = date(2026, 10, 25)

    def found(**days) -> set[str]:
        items = queries.audit_log_page(AuditFilters(**days)).items
        return {name for name, entry in made.items() if entry in items}

    assert found(from_day=sunday, to_day=sunday) == {"sun_first_minute", "sun_last_minute"}
    assert found(from_day=sunday) == {"sun_first_minute", "sun_last_minute", "mon_first_minute"}
    assert found(to_day=date(2026, 10, 24)) == {"sat_last_minute"}
    assert found(to_day=date.max) == set(made)


def test_the_page_takes_uk_dates_typed_or_from_a_date_box(app, client, sam):
    for at in AUTUMN.values():
        _entry(at, AuditAction.WEEK_CREATED)
    db.session.commit()
    login(client, sam)
    page = _page(client, from_day="25/10/2026", to_day="2026-10-25")
    assert page.count("The system set up something.") == 2
    assert "Sun 25 Oct 2026, 12:00am" not in page  # midnight reads as a word
    assert "Sun 25 Oct 2026, midnight" in page and "Sun 25 Oct 2026, 11:59pm" in page


def test_the_person_filter_picks_one_persons_entries_or_the_systems(app, sam):
    jo = make_user(Role.ORGANISER, name="Jo Bloggs")
    event = make_event()
    by_sam = record_action(AuditAction.EVENT_PUBLISHED, actor=sam, target=event)
    by_jo = record_action(AuditAction.EVENT_UPDATED, actor=jo, target=event)
    by_system = record_action(AuditAction.REGISTRATIONS_PURGED, actor=None)
    db.session.commit()
    assert queries.audit_log_page(AuditFilters(actor_id=sam.id)).items == [by_sam]
    assert queries.audit_log_page(AuditFilters(actor_id=jo.id)).items == [by_jo]
    assert queries.audit_log_page(AuditFilters(by_system=True)).items == [by_system]
    assert queries.audit_people() == [jo, sam]  # by name


def test_the_event_filter_finds_the_event_and_what_belongs_to_it(app, sam):
    fair, clinic = make_event(title="Careers fair"), make_event(title="CV clinic")
    ticket = make_registration(fair, first_name="Alex")
    on_fair = record_action(AuditAction.EVENT_PUBLISHED, actor=sam, target=fair)
    on_ticket = record_action(AuditAction.REGISTRATION_CHECKED_IN, actor=sam, target=ticket)
    record_action(AuditAction.EVENT_PUBLISHED, actor=sam, target=clinic)
    record_action(AuditAction.USER_RENAMED, actor=sam, target=sam)
    db.session.commit()
    assert on_ticket.event_id == fair.id
    items = queries.audit_log_page(AuditFilters(event_id=fair.id)).items
    assert set(items) == {on_fair, on_ticket}
    assert set(queries.audit_events()) == {fair, clinic}


def test_the_kind_filter_takes_a_kind_or_one_action(app):
    cancelled = _entry(utcnow(), AuditAction.REGISTRATION_CANCELLED)
    checked_in = _entry(utcnow(), AuditAction.REGISTRATION_CHECKED_IN)
    _entry(utcnow(), AuditAction.EVENT_PUBLISHED)
    _entry(utcnow(), AuditAction.EXPORT_DOWNLOADED)
    assert set(queries.audit_log_page(AuditFilters(kind="tickets")).items) == {
        cancelled,
        checked_in,
    }
    assert queries.audit_log_page(AuditFilters(kind="registration.cancelled")).items == [cancelled]
    assert len(queries.audit_log_page().items) == 4


def test_filters_on_the_page_narrow_the_list_and_follow_it_to_the_next_page(
    app, client, sam, monkeypatch
):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    event = make_event(title="Careers fair")
    for n in range(3):
        record_action(
            AuditAction.EVENT_PUBLISHED,
            actor=sam,
            target=event,
            now=utcnow() + timedelta(minutes=n),
        )
    record_action(AuditAction.EVENT_PUBLISHED, actor=None, target=event)
    record_action(AuditAction.USER_PASSWORD_CHANGED, actor=sam, target=sam)
    db.session.commit()
    login(client, sam)
    chosen = {"person": str(sam.id), "event": str(event.id), "kind": "events"}
    first = _page(client, **chosen)
    assert first.count("Sam Patel published “Careers fair”.") == 2
    assert "The system" not in _log(first)
    older = first.split('class="pagination"')[1]
    assert f"person={sam.id}" in older and f"event={event.id}" in older and "kind=events" in older
    second = _page(client, page=2, **chosen)
    assert second.count("Sam Patel published “Careers fair”.") == 1
    assert "Older entries" not in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from_day": "31/02/2026"}, "The from date must be a real date"),
        ({"to_day": "next tuesday"}, "The to date must be a real date"),
        (
            {"from_day-day": "31", "from_day-month": "2", "from_day-year": "2026"},
            "The from date must be a real date",
        ),
        ({"to_day-day": "27", "to_day-year": "2026"}, "The to date must include a month"),
        (
            {"from_day": "2026-10-28", "to_day": "2026-10-27"},
            "The to date must be the same as the from date or after it",
        ),
        ({"person": "99999"}, "Choose one of the options in the list"),
        ({"event": "not-a-number"}, "Choose one of the options in the list"),
        ({"kind": "registration."}, "Choose one of the options in the list"),
    ],
)
def test_filters_that_make_no_sense_say_so_on_the_page(app, client, sam, query, message):
    record_action(AuditAction.USER_PASSWORD_CHANGED, actor=sam, target=sam)
    db.session.commit()
    login(client, sam)
    page = _page(client, **query)
    assert "There is a problem" in page and message in page
    assert "Sam Patel changed their password." not in _log(page)


def test_the_widest_dates_there_are_do_not_break_the_page(app, client, sam):
    login(client, sam)
    page = _page(client, from_day="0001-01-01", to_day="9999-12-31")
    assert "There is a problem" not in page


def test_the_log_is_a_list_of_sentences_not_a_wide_table(app, client, sam):
    record_action(AuditAction.USER_PASSWORD_CHANGED, actor=sam, target=sam)
    db.session.commit()
    login(client, sam)
    page = _page(client)
    assert '<ol class="audit-log"' in page and "<table" not in page
    for legend in ("From (optional)", "To (optional)"):
        assert f"<legend>{legend}</legend>" in page
    for label in ("Who did it", "Event", "Kind of action"):
        assert f">{label}</label>" in page
    assert '<optgroup label="Tickets">' in page and ">Anything about tickets</option>" in page


@pytest.mark.slow  # the Nu HTML checker is a Java program started per call
def test_the_audit_page_is_valid_html_with_entries_and_with_errors(app, client, sam):
    event = make_event(title="TOGETHER conference")
    cancel_on_their_behalf(
        make_registration(event, first_name="Alex"),
        reason="Signed up twice.",
        actor=sam,
        now=utcnow(),
    )
    db.session.commit()
    login(client, sam)
    assert_valid_pages(
        {
            "audit": client.get("/admin/audit"),
            "audit-filtered": client.get(
                "/admin/audit", query_string={"event": event.id, "kind": "tickets"}
            ),
            "audit-errors": client.get(
                "/admin/audit", query_string={"from_day": "31/02/2026", "person": "x"}
            ),
        }
    )
