"""`flask nclw seed-demo`: the demo week `make run` loads into an empty database."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.accounts import door_staff
from nclw.accounts.models import Role, User
from nclw.events.models import Audience, Edition, Event, EventFormat
from nclw.extensions import db
from nclw.registrations import slot_waits, slots
from nclw.registrations.message_history import message_history
from nclw.registrations.message_templates import message_templates
from nclw.registrations.models import Booking, Registration, RegistrationStatus, ReleaseRoute
from nclw.registrations.scheduled_messages import check_message
from nclw.registrations.supporter_models import Supporter
from nclw.reports import services as reports
from nclw.timezones import format_when, to_uk, utcnow


def _events() -> list[Event]:
    """The events of the demo's coming week (last year's week is there too, for reports)."""
    newest = sa.select(sa.func.max(Edition.year)).scalar_subquery()
    return list(
        db.session.scalars(
            sa.select(Event).join(Edition).where(Edition.year == newest).order_by(Event.starts_at)
        )
    )


def test_seed_demo_loads_next_octobers_week(runner):
    result = runner.invoke(args=["nclw", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo week loaded." in result.output
    edition, last_year = db.session.scalars(sa.select(Edition).order_by(Edition.year.desc()))
    assert last_year.year == edition.year - 1
    assert edition.starts_on.month == 10
    assert edition.starts_on.weekday() == 0  # a Monday
    assert edition.ends_on >= utcnow().date()
    events = _events()
    # The six of the week (one in time slots), and a taster session before it that has had
    # its feedback.
    assert len(events) == 7
    careers = next(e for e in events if "careers" in e.title.lower())
    assert careers.host.name == "Accenture"
    assert careers.format == EventFormat.ONLINE
    assert careers.audience == Audience.CARE_EXPERIENCED
    assert to_uk(careers.starts_at).strftime("%A %H:%M") == "Wednesday 16:00"
    assert "4pm" in format_when(careers.starts_at, careers.ends_at)
    titles = " ".join(e.title for e in events)
    for words in ("TOGETHER", "Benchmarking", "Luton", "podcast"):
        assert words in titles
    hosts = {e.host.name for e in events}
    assert "Catch22" in hosts


def test_seed_demo_has_one_full_event_and_one_nearly_full(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    limited = [e for e in _events() if e.capacity]
    full = [e for e in limited if e.places_left == 0]
    nearly = [e for e in limited if 0 < e.places_left <= e.capacity // 5]
    assert full and nearly
    for event in _events():
        # Places held: confirmed tickets and open offers of a place.
        # A supporter on a ticket holds a place of their own.
        held = db.session.scalar(
            sa.select(sa.func.count(Registration.id) + sa.func.count(Supporter.id))
            .select_from(Registration)
            .outerjoin(Supporter, Supporter.registration_id == Registration.id)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]),
            )
        )
        assert event.confirmed_count == held
    waiting = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == full[0].id, Registration.status == RegistrationStatus.WAITING
        )
    )
    assert waiting >= 1


def test_seed_demo_sign_ups_all_came_before_now(runner):
    """Someone who signs up the moment the demo has loaded joins the back of each waiting
    list: no demo ticket was made, or joined a waiting list, in the future."""
    runner.invoke(args=["nclw", "seed-demo"])
    loaded = utcnow()
    tickets = db.session.scalars(sa.select(Registration)).all()
    assert any(t.waiting_since is not None for t in tickets)
    for ticket in tickets:
        for moment in (ticket.created_at, ticket.waiting_since, ticket.confirmed_at):
            assert moment is None or moment <= loaded, (ticket.first_name, moment)


def test_seed_demo_has_an_open_offer_and_one_that_ran_out(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    [event] = [e for e in _events() if e.offers_expire]
    tickets = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id)
    ).all()
    [offered] = [t for t in tickets if t.status == RegistrationStatus.OFFERED]
    assert offered.offer_expires_at > utcnow()
    assert [t.first_name for t in tickets if t.offer_expired_at] == ["Omar"]
    assert any(t.status == RegistrationStatus.WAITING for t in tickets)


def test_seed_demo_conference_allows_supporters_with_a_pair_waiting(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    allowed = [e for e in _events() if e.supporters_allowed]
    assert allowed
    pairs = db.session.scalars(sa.select(Supporter)).all()
    statuses = sorted(supporter.registration.status for supporter in pairs)
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    assert all(supporter.registration.event_id == allowed[0].id for supporter in pairs)


def test_seed_demo_if_empty_keeps_existing_data(runner):
    runner.invoke(args=["nclw", "seed-demo", "--if-empty"])
    before = db.session.scalar(sa.select(sa.func.count(Registration.id)))
    weeks = db.session.scalar(sa.select(sa.func.count(Edition.id)))
    again = runner.invoke(args=["nclw", "seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "left as is" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Edition.id))) == weeks
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == before


def test_seed_demo_shows_age_rules_and_a_proposal_the_review_must_explain(runner):
    from nclw.partners import services as partners
    from nclw.partners import session_changes
    from nclw.partners.models import Proposal, ProposalState

    runner.invoke(args=["nclw", "seed-demo"])
    together = next(e for e in _events() if "TOGETHER" in e.title)
    assert together.age_question == "Are you 18 or over?"
    [proposal] = db.session.scalars(sa.select(Proposal))
    assert proposal.state == ProposalState.SUBMITTED
    assert partners.safeguarding_refusal(proposal) is None
    assert partners.safeguarding_concerns(proposal) == [
        "Not all staff at the session are DBS-checked."
    ]
    # And a partner's change to a live session, waiting: the site keeps the old time.
    careers = next(e for e in _events() if "careers" in e.title.lower())
    waiting = session_changes.pending_change(careers)
    assert waiting is not None
    assert session_changes.requested(waiting)["starts_at"] == careers.starts_at + timedelta(
        minutes=30
    )


def test_seed_demo_has_door_staff_for_the_conference_with_no_password(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    [person] = db.session.scalars(sa.select(User).where(User.role == Role.DOOR_STAFF))
    assert person.password_hash is None  # they choose one through a reset link
    [event] = door_staff.events_given_to(person, now=utcnow())
    assert "TOGETHER" in event.title


def test_seed_demo_has_last_years_conference_to_report_on(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    [past] = db.session.scalars(sa.select(Event).where(Event.slug.like("national-conference-%")))
    report = reports.event_report(past, now=utcnow())
    figures = report.figures
    assert (figures.sign_ups, figures.promoted, figures.cancelled_by_organisers) == (16, 2, 1)
    assert (figures.checked_in, figures.no_shows, figures.not_recorded) == (8, 3, 1)
    assert figures.access_met_rate == 57  # 4 of 7: large enough to show
    assert past.confirmed_count == figures.confirmed == 12
    assert len(report.over_time) == 16  # a bar a day


def test_seed_demo_has_a_past_event_whose_feedback_shows(runner):
    from nclw.feedback.results import feedback_summary

    runner.invoke(args=["nclw", "seed-demo"])
    past = [e for e in _events() if e.ends_at < utcnow()]
    assert [e.title for e in past] == ["Cooking on a budget: a taster session"]
    summary = feedback_summary(past[0])
    assert (summary.sent, summary.answered) == (4, 3)
    assert summary.questions[0].average == 4.3
    assert "More time to cook" in summary.questions[2].texts


def test_seed_demo_full_event_shows_places_given_back_by_every_route(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    luton = next(e for e in _events() if "Luton" in e.title)
    section = reports.event_report(luton, now=utcnow()).sections[0]
    assert section.title == "Places given back"
    lines = {line.label: (line.released, line.taken_again) for line in section.data["lines"]}
    assert all(released for released, _ in lines.values())
    # Every route, an offer that ran out included (the demo's offers story on the same event).
    assert set(lines) == {route.label for route in ReleaseRoute}
    assert section.data["total"].taken_again == 5


def test_seed_demo_has_templates_a_waiting_message_and_a_sent_one(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    templates = message_templates()
    assert [t.name for t in templates] == ["Thank you for coming", "The day before"]
    for template in templates:  # each would be accepted as a message
        check_message(_events()[0], template.subject, template.body, send_at=None, now=utcnow())
    lines = {line.message.event.title: line for e in _events() for line in message_history(e)}
    waiting = lines["TOGETHER: the National Care Leavers' Week conference"]
    assert waiting.message.is_scheduled and waiting.message.send_at > utcnow()
    sent = lines["Cooking on a budget: a taster session"]
    assert sent.reached_words == "4 emails: 4 sent"


def test_seed_demo_has_an_adviser_from_luton_who_booked_three_young_people(runner):
    runner.invoke(args=["nclw", "seed-demo"])
    booking = db.session.scalar(sa.select(Booking))
    assert "Luton" in booking.organisation
    booked = db.session.scalars(
        sa.select(Registration).where(Registration.booking_id == booking.id)
    ).all()
    assert sorted(t.first_name for t in booked) == ["Nia", "Rob", "Tia"]
    assert all(t.is_confirmed for t in booked)
    assert booking.event.title == "IMO podcast: live recording"


def test_seed_demo_has_mock_interviews_in_twelve_slots_with_some_taken(runner):
    result = runner.invoke(args=["nclw", "seed-demo"])
    assert result.exit_code == 0, result.output
    interviews = next(e for e in _events() if e.title.startswith("Mock interviews"))
    made = slots.event_slots(interviews.id)
    assert len(made) == 12
    assert [slot.confirmed_count for slot in made] == [1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0]
    assert (interviews.capacity, interviews.confirmed_count) == (12, 5)
    assert len(slots.held_times(interviews)) == 5
    # A waiting list for each time, with one person waiting for the first interview.
    assert interviews.waiting_list_per_slot
    [(_ticket, waited)] = slot_waits.waited_times(interviews).items()
    assert waited == made[0].times
