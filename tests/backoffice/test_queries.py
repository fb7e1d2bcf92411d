"""The back office's listings, read directly: filters, search, order and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nclw.audit.models import AuditEntry
from nclw.backoffice import queries
from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.queries import MessageAudience
from tests.factories import make_edition, make_event, make_organisation, make_registration

NOW = datetime(2026, 10, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of two, so a handful of rows fills several."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)


def _references(page: queries.Page) -> list[str]:
    return [registration.reference for registration in page.items]


# --- Attendees ------------------------------------------------------------------------------


def test_attendee_filters_pick_by_status_and_by_what_happened(app):
    event = make_event(capacity=10)
    confirmed = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    cancelled = make_registration(event, status=RegistrationStatus.CANCELLED)
    arrived = make_registration(event, checked_in_at=NOW)
    absent = make_registration(event, no_show=True)
    everyone = {r.reference for r in (confirmed, waiting, cancelled, arrived, absent)}

    def found(status: str) -> set[str]:
        return set(_references(queries.attendee_page(event, status=status)))

    assert found("confirmed") == {confirmed.reference, arrived.reference, absent.reference}
    assert found("waiting") == {waiting.reference}
    assert found("cancelled") == {cancelled.reference}
    assert found("checked_in") == {arrived.reference}
    assert found("no_show") == {absent.reference}
    assert found("") == everyone
    assert found("nonsense") == everyone
    # Every choice the page offers narrows the list: none is a value the query ignores.
    for value, _label in queries.ATTENDEE_FILTERS[1:]:
        assert found(value) < everyone, value


def test_attendees_leave_out_other_events_and_anonymised_tickets(app):
    event, other = make_event(), make_event()
    kept = make_registration(event)
    make_registration(event, anonymised_at=NOW)
    make_registration(other)
    page = queries.attendee_page(event)
    assert _references(page) == [kept.reference]
    assert page.total == 1


def test_attendee_search_matches_part_of_a_name_email_or_reference_in_any_case(app):
    event = make_event()
    ava = make_registration(event, first_name="Ava", email="ava.jones@example.com")
    ben = make_registration(event, first_name="Ben", email="BEN@Example.org")
    cai = make_registration(event, first_name="Cai", email="cai@example.net")

    def found(search: str) -> set[str]:
        return set(_references(queries.attendee_page(event, search=search)))

    assert found("AVA") == {ava.reference}
    assert found("example.org") == {ben.reference}
    assert found("ben@example") == {ben.reference}
    assert found(cai.reference.lower()) == {cai.reference}
    assert found("example") == {ava.reference, ben.reference, cai.reference}
    assert found("nobody") == set()


def test_attendee_search_and_filter_combine(app):
    event = make_event(capacity=10)
    make_registration(event, first_name="Dana")
    waiting_dana = make_registration(event, first_name="Dana", status=RegistrationStatus.WAITING)
    page = queries.attendee_page(event, search="dana", status="waiting")
    assert _references(page) == [waiting_dana.reference]


def test_attendees_come_by_status_then_waiting_list_order(app):
    event = make_event(capacity=10)
    later = make_registration(
        event, status=RegistrationStatus.WAITING, waiting_since=NOW + timedelta(hours=1)
    )
    sooner = make_registration(event, status=RegistrationStatus.WAITING, waiting_since=NOW)
    confirmed = make_registration(event)
    cancelled = make_registration(event, status=RegistrationStatus.CANCELLED)
    assert _references(queries.attendee_page(event)) == [
        cancelled.reference,
        confirmed.reference,
        sooner.reference,
        later.reference,
    ]


def test_attendee_pages_count_everyone_and_show_a_page_at_a_time(app, small_pages):
    event = make_event(capacity=10)
    people = [make_registration(event) for _ in range(5)]  # same status: in id order
    first, last = queries.attendee_page(event, page=1), queries.attendee_page(event, page=3)
    assert _references(first) == [p.reference for p in people[:2]]
    assert _references(last) == [people[4].reference]
    assert (first.total, first.pages, first.has_more) == (5, 3, True)
    assert (last.number, last.has_more) == (3, False)
    assert queries.attendee_page(event, page=4).items == []


def test_an_empty_attendee_list_is_one_page(app):
    page = queries.attendee_page(make_event())
    assert (page.items, page.total, page.pages, page.has_more) == ([], 0, 1, False)


def test_a_page_below_one_is_the_first(app, small_pages):
    event = make_event(capacity=10)
    people = [make_registration(event) for _ in range(3)]
    page = queries.attendee_page(event, page=0)
    assert page.number == 1
    assert _references(page) == [p.reference for p in people[:2]]


# --- Check-in desk ----------------------------------------------------------------------------


def test_ticket_by_reference_looks_only_at_this_event(app):
    event, other = make_event(), make_event()
    mine = make_registration(event)
    theirs = make_registration(other)
    assert queries.ticket_by_reference(event, mine.reference) == mine
    assert queries.ticket_by_reference(event, theirs.reference) is None
    assert queries.ticket_by_reference(event, "NOPE-0000") is None


def test_recent_check_ins_are_latest_first_and_limited(app):
    event = make_event(capacity=20)
    make_registration(event)  # not arrived
    arrived = [
        make_registration(event, checked_in_at=NOW + timedelta(minutes=minute))
        for minute in (5, 1, 9, 3)
    ]
    make_registration(make_event(), checked_in_at=NOW + timedelta(hours=1))  # elsewhere
    recent = queries.recent_check_ins(event, limit=3)
    assert recent == [arrived[2], arrived[0], arrived[3]]
    assert len(queries.recent_check_ins(event)) == 4


def test_first_recipient_is_someone_the_message_would_reach(app):
    event = make_event(capacity=10)
    assert queries.first_recipient(event, MessageAudience.WAITING) is None
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    make_registration(event)
    assert queries.first_recipient(event, MessageAudience.WAITING) == waiting


# --- Mail log and audit log -------------------------------------------------------------------


def _email(status: MessageStatus) -> OutboxMessage:
    message = OutboxMessage(kind="test", to_address="a@example.com", status=status)
    db.session.add(message)
    db.session.flush()
    return message


def test_mail_log_is_newest_first_and_filters_by_status(app):
    sent, failed, pending, failed_again = (
        _email(MessageStatus.SENT),
        _email(MessageStatus.FAILED),
        _email(MessageStatus.PENDING),
        _email(MessageStatus.FAILED),
    )
    assert queries.mail_log_page().items == [failed_again, pending, failed, sent]
    assert queries.mail_log_page(status="failed").items == [failed_again, failed]
    assert queries.mail_log_page(status="sent").items == [sent]
    assert len(queries.mail_log_page(status="nonsense").items) == 4


def test_mail_log_pages_know_whether_there_is_more(app, small_pages):
    messages = [_email(MessageStatus.SENT) for _ in range(5)]
    first, last = queries.mail_log_page(page=1), queries.mail_log_page(page=3)
    assert first.items == [messages[4], messages[3]]
    assert first.has_more
    assert last.items == [messages[0]]
    assert not last.has_more
    assert first.total is None  # not counted: the mail log can be long


def test_a_full_last_page_of_the_mail_log_has_no_next_page(app, small_pages):
    for _ in range(4):
        _email(MessageStatus.SENT)
    assert queries.mail_log_page(page=1).has_more
    last = queries.mail_log_page(page=2)
    assert len(last.items) == 2
    assert not last.has_more


def _entry(action: str, at: datetime) -> AuditEntry:
    entry = AuditEntry(action=action, at=at, actor_label="organiser@example.org")
    db.session.add(entry)
    db.session.flush()
    return entry


def test_audit_log_is_newest_first_by_time_then_by_entry(app, small_pages):
    same_time_first = _entry("a.one", NOW)
    same_time_second = _entry("a.two", NOW)
    # Written last but dated earlier (e.g. the system's clock): time decides, not the id.
    older_but_written_last = _entry("a.three", NOW - timedelta(days=1))
    first = queries.audit_log_page(page=1)
    assert first.items == [same_time_second, same_time_first]
    assert first.has_more
    second = queries.audit_log_page(page=2)
    assert second.items == [older_but_written_last]
    assert not second.has_more


# --- Events and organisations -------------------------------------------------------------------


def test_events_of_an_edition_are_in_time_order_drafts_included(app):
    this_week, other_week = make_edition(year=2090), make_edition(year=2091)
    # Made out of time order, so neither the order made nor its reverse is time order.
    second = make_event(edition=this_week, starts_at=NOW + timedelta(days=2))
    first = make_event(
        edition=this_week, starts_at=NOW + timedelta(days=1), status=EventStatus.DRAFT
    )
    third = make_event(edition=this_week, starts_at=NOW + timedelta(days=3))
    make_event(edition=other_week, starts_at=NOW)
    assert queries.events_of_edition(this_week) == [first, second, third]


def test_events_newest_first_spans_every_week(app):
    first = make_event(edition=make_edition(year=2090), starts_at=NOW)
    second = make_event(edition=make_edition(year=2091), starts_at=NOW + timedelta(days=365))
    listed = queries.events_newest_first()
    assert listed.index(second) < listed.index(first)


def test_organisations_are_listed_by_name(app):
    zeta = make_organisation(name="Zeta Trust")
    alpha = make_organisation(name="Alpha Housing")
    names = [o.name for o in queries.organisations()]
    assert names.index(alpha.name) < names.index(zeta.name)
    assert names == sorted(names)
