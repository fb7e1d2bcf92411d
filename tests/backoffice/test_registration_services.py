"""Check-in, no-shows, messages, deleting details and the purge, called directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations import (
    messaging,
    on_the_day,
    on_their_behalf,
    personal_data,
    queries,
    services,
    waiting_list,
)
from nclw.registrations.models import Registration, RegistrationStatus, TicketLink
from nclw.registrations.queries import MessageAudience
from nclw.registrations.ticket_links import registration_for_link
from tests.factories import make_event, make_registration, ticket_link
from tests.support.tickets import ticket_token_in

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _sent_or_waiting() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NCLW-7K3Q9P", "NCLW-7K3Q9P"),
        ("nclw-7k3q9p", "NCLW-7K3Q9P"),
        (" 7k3q9p ", "NCLW-7K3Q9P"),
        ("NCLW 7K3Q9P", "NCLW-7K3Q9P"),
        ("http://nclw.test/admin/events/3/check-in?reference=NCLW-7K3Q9P", "NCLW-7K3Q9P"),
        ("hello", None),
        ("", None),
    ],
)
def test_parse_reference(typed, expected):
    assert on_the_day.parse_reference(typed) == expected


def test_check_in_by_reference_once(app, week):
    reference = week.confirmed.reference
    checked = on_the_day.check_in_by_reference(
        week.event, reference.lower(), actor=week.organiser, now=NOW
    )
    assert checked.registration.id == week.confirmed.id and not checked.already
    assert checked.registration.checked_in_at == NOW
    # A second check-in is not an error: it says so, and changes nothing.
    again = on_the_day.check_in(checked.registration, actor=week.organiser, now=NOW)
    assert again.already and "was already checked in at" in again.message
    assert _actions() == ["registration.checked_in"]


def test_check_in_refuses_other_events_and_people_waiting(app, week):
    other = make_event()
    elsewhere = make_registration(other)
    with pytest.raises(InvalidInput, match="This ticket is for .*, not this event"):
        on_the_day.check_in_by_reference(
            week.event, elsewhere.reference, actor=week.organiser, now=NOW
        )
    with pytest.raises(NotAllowed, match="not a confirmed ticket"):
        on_the_day.check_in(week.waiting, actor=week.organiser, now=NOW)
    with pytest.raises(InvalidInput):
        on_the_day.check_in_by_reference(week.event, "nonsense", actor=week.organiser, now=NOW)


def test_no_show_and_undo(app, week):
    on_the_day.mark_no_show(week.confirmed, actor=week.organiser, now=NOW)
    assert week.confirmed.no_show is True
    on_the_day.mark_no_show(week.confirmed, actor=week.organiser, now=NOW, no_show=False)
    assert week.confirmed.no_show is False
    on_the_day.check_in(week.confirmed, actor=week.organiser, now=NOW)
    with pytest.raises(NotAllowed, match="checked in"):
        on_the_day.mark_no_show(week.confirmed, actor=week.organiser, now=NOW)


@pytest.mark.parametrize(
    ("audience", "who"),
    [
        (MessageAudience.CONFIRMED, {"confirmed"}),
        (MessageAudience.WAITING, {"waiting"}),
        (MessageAudience.CHECKED_IN, {"confirmed"}),
        (MessageAudience.ALL, {"confirmed", "waiting"}),
    ],
)
def test_message_attendees_reaches_the_chosen_people(app, week, audience, who):
    on_the_day.check_in(week.confirmed, actor=week.organiser, now=NOW)
    make_registration(week.event, status=RegistrationStatus.CANCELLED)
    expected = {getattr(week, name).id for name in who}
    assert queries.count_recipients(week.event, audience) == len(expected)
    sent = messaging.message_attendees(
        week.event, audience, "Bring ID", "Please bring\nphoto ID.", actor=week.organiser, now=NOW
    )
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "attendee_message")
    ).all()
    assert sent == len(expected)
    assert {row.registration_id for row in rows} == expected
    assert all(row.subject == "Bring ID" and "photo ID" in row.text_body for row in rows)
    assert "event.messaged" in _actions()


def test_a_message_to_nobody_is_refused(app, week):
    with pytest.raises(NotAllowed):
        messaging.message_attendees(
            week.event, MessageAudience.CHECKED_IN, "Hi", "Body", actor=week.organiser, now=NOW
        )


def _identifying(registration: Registration) -> list[str]:
    return [
        value
        for value in (
            registration.first_name,
            registration.email,
            registration.access_needs,
            registration.organisation_name,
            registration.job_role,
        )
        if value
    ]


@pytest.mark.parametrize("by_organiser", [False, True])
def test_a_cancelled_ticket_is_not_resent(app, week, by_organiser):
    services.cancel_registration(week.confirmed, now=NOW)
    actor = week.organiser if by_organiser else None
    with pytest.raises(NotAllowed, match="nothing to resend"):
        messaging.resend_ticket(week.confirmed, now=NOW, actor=actor)
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert "ticket_resent" not in kinds


def test_a_visitor_gets_the_ticket_again_once_an_hour_an_organiser_whenever_asked(app, week):
    person = week.confirmed
    assert messaging.resend_ticket(person, now=NOW) is True
    assert messaging.resend_ticket(person, now=NOW + timedelta(minutes=59)) is False
    assert messaging.resend_ticket(person, now=NOW, actor=week.organiser) is True
    assert messaging.resend_ticket(person, now=NOW, actor=week.organiser) is True
    assert messaging.resend_ticket(person, now=NOW + timedelta(hours=1)) is True
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.kind, row.to_address) for row in rows] == [("ticket_resent", person.email)] * 4
    # Each email carries a link of its own, and every one of them leads to this ticket.
    tokens = [ticket_token_in(row.text_body) for row in rows]
    assert len(set(tokens)) == 4
    assert {registration_for_link(token).id for token in tokens} == {person.id}


def test_delete_my_details_cancels_promotes_and_leaves_nothing_identifying(app, week):
    person = week.confirmed
    person.access_needs = "Step-free access"
    person.organisation_name = "Acme"
    db.session.commit()
    messaging.resend_ticket(person, now=NOW)  # a message with their address in the outbox
    db.session.commit()
    [resent] = db.session.scalars(sa.select(OutboxMessage.text_body)).all()
    links_sent = [person.link_token, ticket_token_in(resent)]
    assert all(registration_for_link(token).id == person.id for token in links_sent)

    personal_data.delete_my_details(person, now=NOW)
    db.session.commit()
    db.session.refresh(person)
    db.session.refresh(week.waiting)

    assert person.status == RegistrationStatus.CANCELLED
    assert person.anonymised_at == NOW
    assert _identifying(person) == []
    # No link they were ever sent works any more.
    assert [registration_for_link(token) for token in links_sent] == [None, None]
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(TicketLink.registration_id == person.id))
        == 0
    )
    # Their place went to the next person waiting, and counts still add up.
    assert week.waiting.status == RegistrationStatus.CONFIRMED
    assert week.event.confirmed_count == 1
    addresses = db.session.scalars(sa.select(OutboxMessage.to_address)).all()
    assert addresses == ["ben@example.com"]  # the place that came up for Ben
    bodies = db.session.scalars(sa.select(OutboxMessage.text_body)).all()
    assert not any("Ava" in body for body in bodies)
    with pytest.raises(NotAllowed):
        personal_data.delete_my_details(person, now=NOW)


def test_purge_anonymises_only_events_that_ended_long_enough_ago(app, week):
    old = make_event(starts_at=NOW - timedelta(days=100))
    recent = make_event(starts_at=NOW - timedelta(days=10))
    old_people = [make_registration(old) for _ in range(3)]
    old_people.append(make_registration(old, status=RegistrationStatus.WAITING))
    old_people[0].checked_in_at = old.starts_at
    recent_person = make_registration(recent)
    db.session.commit()

    assert personal_data.purge_personal_data(older_than_days=90, now=NOW) == 4
    db.session.commit()
    for person in old_people:
        db.session.refresh(person)
        assert person.anonymised_at == NOW
        assert _identifying(person) == []
    # Counts for reports survive: statuses, check-ins and the event's tally.
    assert old_people[0].checked_in_at is not None
    assert [p.status for p in old_people].count(RegistrationStatus.CONFIRMED) == 3
    assert old.confirmed_count == 3
    db.session.refresh(recent_person)
    assert recent_person.anonymised_at is None and recent_person.email
    assert personal_data.purge_personal_data(older_than_days=90, now=NOW) == 0
    assert "registrations.purged" in _actions()


def test_promote_and_cancel_by_an_organiser_are_audited(app, week):
    on_their_behalf.cancel_on_their_behalf(
        week.confirmed, reason="Signed up twice.", actor=week.organiser, now=NOW
    )
    db.session.refresh(week.waiting)
    assert week.waiting.status == RegistrationStatus.CONFIRMED
    extra = make_registration(week.event, status=RegistrationStatus.WAITING)
    week.event.capacity = 2
    db.session.commit()
    waiting_list.promote_registration(extra, actor=week.organiser, now=NOW)
    assert _actions() == ["registration.cancelled", "registration.promoted"]


def test_an_organiser_cancels_with_a_reason_the_person_reads(app, client, week):
    week.organiser.name = "Sam Patel"
    with pytest.raises(InvalidInput, match="Say why"):
        on_their_behalf.cancel_on_their_behalf(
            week.confirmed, reason="  ", actor=week.organiser, now=NOW
        )
    with pytest.raises(InvalidInput, match="500 characters"):
        on_their_behalf.cancel_on_their_behalf(
            week.confirmed, reason="x" * 501, actor=week.organiser, now=NOW
        )
    assert week.confirmed.status == RegistrationStatus.CONFIRMED
    on_their_behalf.cancel_on_their_behalf(
        week.confirmed,
        reason="This session is for\n  care leavers only. ",
        actor=week.organiser,
        now=NOW,
    )
    db.session.commit()
    assert week.confirmed.cancellation_reason == "This session is for care leavers only."

    (email,) = [m for m in _sent_or_waiting() if m.kind == "cancelled_by_organisers"]
    text = email.text_body
    assert "Sam Patel, one of the organisers, cancelled your ticket" in text
    assert "Why: This session is for care leavers only." in text
    assert app.config["CONTACT_EMAIL"] in text
    assert "sign up again" not in text.lower()
    assert "METHOD:CANCEL" in (email.ical_body or "")

    page = client.get(f"/tickets/{ticket_link(week.confirmed)}").text
    assert "Cancelled by the organisers" in page
    assert "care leavers only." in page
    assert "Sign up again" not in page and app.config["CONTACT_EMAIL"] in page


def test_a_persons_own_cancellation_still_offers_signing_up_again(app, client, week):
    services.cancel_registration(week.confirmed, now=NOW)
    db.session.commit()
    (email,) = [m for m in _sent_or_waiting() if m.kind == "cancelled_by_attendee"]
    assert "sign up again" in email.text_body.lower()
    page = client.get(f"/tickets/{ticket_link(week.confirmed)}").text
    assert "Sign up again" in page and "Cancelled by the organisers" not in page


def test_deleting_details_forgets_the_reason_but_not_who_cancelled(app, week):
    on_their_behalf.cancel_on_their_behalf(
        week.confirmed, reason="Your carer asked us to.", actor=week.organiser, now=NOW
    )
    db.session.commit()
    personal_data.delete_my_details(week.confirmed, now=NOW)
    db.session.commit()
    db.session.refresh(week.confirmed)
    assert week.confirmed.cancellation_reason == ""
    assert week.confirmed.cancelled_by_organisers
