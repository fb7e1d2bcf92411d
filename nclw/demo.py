"""The demo week: its hosts and events (`demo_week`), and what happens around them."""

from __future__ import annotations

from calendar import FRIDAY, THURSDAY
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from nclw.accounts.models import DoorStaffAssignment, Role, User
from nclw.accounts.services import new_session_token
from nclw.demo_bookings import adviser_booked_three
from nclw.demo_feedback import past_event_with_feedback
from nclw.demo_messages import messages_waiting_and_sent
from nclw.demo_offers import show_offers
from nclw.demo_partners import change_waiting_for_review, proposal_waiting_for_review
from nclw.demo_people import demo_ticket
from nclw.demo_releases import places_given_back
from nclw.demo_sign_up_questions import careers_questions
from nclw.demo_slot_waiting import wait_for_the_first_interview
from nclw.demo_slots import mock_interviews
from nclw.demo_supporters import show_supporters
from nclw.demo_week import ORGANISATIONS, WEEK_EVENTS
from nclw.demo_welsh import welsh_text
from nclw.events.models import Audience, Edition, Event, EventFormat, EventStatus, Organisation
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import uk_datetime, utcnow


def next_week_dates(today: date) -> tuple[date, date]:
    """Monday to Sunday of the next week that starts on the last Monday of October."""
    for year in (today.year, today.year + 1):
        last_of_october = date(year, 10, 31)
        monday = last_of_october - timedelta(days=last_of_october.weekday())
        if monday + timedelta(days=6) >= today:
            return monday, monday + timedelta(days=6)
    raise AssertionError("a week in October always comes within a year")


def seed_demo(*, only_if_empty: bool = False) -> bool:
    """Create next October's week with its events; returns False when there was one already."""
    if only_if_empty and db.session.scalar(sa.select(sa.func.count(Edition.id))):
        return False
    monday, sunday = next_week_dates(utcnow().date())
    edition = Edition(
        year=monday.year,
        theme="Care leavers with careers",
        summary=(
            "A week to celebrate what care leavers achieve, to hear their stories, "
            "and to change how people think about growing up in care."
        ),
        starts_on=monday,
        ends_on=sunday,
    )
    db.session.add(edition)
    hosts = {}
    for name, kind, partner in ORGANISATIONS:
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind, is_partner=partner)
            db.session.add(organisation)
        hosts[name] = organisation
    thursday = monday + timedelta(days=THURSDAY)
    events = [_week_event(monday, hosts, **fields) for fields in WEEK_EVENTS]
    welsh_text(events)  # three with Welsh text, two without: Welsh pages show both
    for event in events:
        event.edition = edition
        event.status = EventStatus.PUBLISHED
        db.session.add(event)
    db.session.flush()
    _fill(events[3], confirmed=3, waiting=1)  # Luton: full, with someone waiting
    places_given_back(events[3])  # ...and places given back by every route
    show_offers(events[3])  # ... and offering freed places, to claim by a deadline
    _fill(events[1], confirmed=18, waiting=0)  # TOGETHER: nearly full
    show_supporters(events[1])  # ... where young people may bring a supporter
    # Some of them told us what they need: the host sees the numbers, organisers who.
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == events[1].id)
        .order_by(Registration.id)
    ).all()
    people[0].access_requests = "step_free"
    people[1].access_requests = "step_free,bsl"
    people[2].access_needs = "I may need to leave for short breaks."
    db.session.add(proposal_waiting_for_review(hosts["Accenture"], thursday))
    db.session.add(change_waiting_for_review(events[0]))
    careers_questions(events[0])  # its own questions, answered, and one waiting for review
    _door_staff_for(events[1])
    _last_years_conference(hosts["The Care Leavers' Foundation"], monday)
    past = past_event_with_feedback(edition, hosts["Catch22"])
    messages_waiting_and_sent(events[1], past)
    adviser_booked_three(events[4])  # the podcast: a Luton adviser booked three young people
    wait_for_the_first_interview(mock_interviews(edition, hosts["Accenture"], thursday))
    db.session.commit()
    return True


def _week_event(
    monday: date,
    hosts: dict[str, Organisation],
    *,
    slug: str,
    host: str,
    when: tuple[int, tuple[int, int], tuple[int, int]],
    highlights: list[str],
    **details: Any,
) -> Event:
    """One of `WEEK_EVENTS` in the week starting `monday`: its address ends in the year, its
    times are on a UK clock on its day, its highlights go one a line (as the form keeps them)."""
    weekday, starts, ends = when
    day = monday + timedelta(days=weekday)
    return Event(
        slug=f"{slug}-{monday.year}",
        host=hosts[host],
        highlights="\n".join(highlights),
        starts_at=uk_datetime(day, *starts),
        ends_at=uk_datetime(day, *ends),
        **details,
    )


def _last_years_conference(host: Organisation, monday: date) -> None:
    """Last year's week with its conference over, so a report has something to show:
    sign-ups over 16 days, places given from the waiting list, cancellations, check-ins,
    no-shows and access needs (see nclw.reports)."""
    last_monday, _ = next_week_dates(date(monday.year - 1, 1, 1))
    friday = last_monday + timedelta(days=FRIDAY)
    edition = Edition(
        year=last_monday.year, theme="Care leavers in work", summary="", starts_on=last_monday,
        ends_on=last_monday + timedelta(days=6),
    )  # fmt: skip
    event = Event(
        edition=edition, host=host, status=EventStatus.PUBLISHED,
        slug=f"national-conference-{last_monday.year}",
        title=f"The national conference, {last_monday.year}",
        summary="Last year's national conference.", starts_at=uk_datetime(friday, 9, 30),
        ends_at=uk_datetime(friday, 16, 30), format=EventFormat.IN_PERSON,
        venue_name="Friends House", address="173 Euston Road, London NW1 2BJ", capacity=12,
        audience=Audience.PROFESSIONALS, access_features="step_free,quiet_room",
    )  # fmt: skip
    db.session.add_all([edition, event])
    db.session.flush()
    _fill(event, confirmed=12, waiting=4)
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    needs = {0: "step_free", 7: "step_free", 3: "quiet_room", 6: "step_free", 5: "bsl"}
    needs |= {9: "step_free", 10: "quiet_room"}
    # 12 and 13 waited, then had the places of 1 and 4 (whom the organisers cancelled);
    # 15 gave up waiting and 14 is waiting still. Nobody called Jordan is checked in: the
    # door staff's browser check looks for this week's Jordan by name.
    promoted, cancelled = (12, 13), (1, 4, 15)
    for index, person in enumerate(people):
        person.created_at = event.starts_at - timedelta(days=20 - index)
        person.confirmed_at = person.created_at if index < 12 else None
        person.waiting_since = person.created_at if index == 14 else None
        person.access_requests = needs.get(index, "")
        if index in promoted:
            person.status = RegistrationStatus.CONFIRMED
            person.confirmed_at = person.created_at + timedelta(days=2)
        if index in cancelled:
            person.status = RegistrationStatus.CANCELLED
            person.cancelled_at = person.created_at + timedelta(days=1)
        person.checked_in_at = (
            event.starts_at + timedelta(minutes=5 * index)
            if index in (0, 3, 5, 6, 7, 8, 11, 13)
            else None
        )
        person.no_show = index in (9, 10, 12)
    people[4].cancellation_reason = "You booked twice, so we cancelled the second ticket."


DOOR_STAFF_EMAIL = "door@example.org"


def _door_staff_for(event: Event) -> None:
    """Door staff for one event. No password: whoever runs the demo sets one with a reset link."""
    person = db.session.scalar(sa.select(User).where(User.email == DOOR_STAFF_EMAIL))
    if person is None:
        person = User(
            email=DOOR_STAFF_EMAIL,
            name="Demo door staff",
            role=Role.DOOR_STAFF,
            password_hash=None,
            session_token=new_session_token(),
        )
        db.session.add(person)
        db.session.flush()
    if person.role == Role.DOOR_STAFF:
        db.session.add(DoorStaffAssignment(event_id=event.id, user_id=person.id))


def _fill(event: Event, *, confirmed: int, waiting: int) -> None:
    """Demo sign-ups with example.org addresses, so the capacity bars and lists show."""
    now = utcnow()
    names = ["Sam", "Alex", "Jordan", "Priya", "Kai", "Morgan", "Ella", "Tom", "Zara", "Leo"]
    for index in range(confirmed + waiting):
        is_confirmed = index < confirmed
        name = names[index % len(names)]
        # One a minute, all before now: someone who signs up straight after the demo loads
        # joins the waiting list behind these people, not in front of them.
        joined = now - timedelta(minutes=confirmed + waiting - index)
        demo_ticket(
            event,
            name,
            index,
            status=RegistrationStatus.CONFIRMED if is_confirmed else RegistrationStatus.WAITING,
            created_at=joined,
            confirmed_at=joined if is_confirmed else None,
            waiting_since=None if is_confirmed else joined,
            declared_care_experienced=event.audience == Audience.CARE_EXPERIENCED,
            organisation_name="Example Council" if event.audience == "professionals" else None,
            job_role="Personal adviser" if event.audience == "professionals" else None,
        )
    event.confirmed_count = confirmed
