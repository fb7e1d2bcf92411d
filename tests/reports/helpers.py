"""A week whose numbers are known, built through the real services at fixed moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nclw.accounts.models import Role, User
from nclw.events.models import Edition, Event, EventStatus, Organisation
from nclw.extensions import db
from nclw.registrations import event_changes, on_the_day
from nclw.registrations.models import Registration
from nclw.registrations.on_their_behalf import cancel_on_their_behalf
from nclw.registrations.services import SignUpDetails, cancel_registration, register
from tests.factories import make_edition, make_event, make_organisation, make_user

# The clocks go back on 26 October 2031: sign-ups are in summer time, the event is not.
FIRST_DAY = datetime(2031, 10, 1, 10, tzinfo=UTC)
STARTS = datetime(2031, 10, 29, 10, tzinfo=UTC)
AFTER = STARTS + timedelta(days=1)


@dataclass
class KnownWeek:
    edition: Edition
    host: Organisation
    other_host: Organisation
    event: Event  # 10 sign-ups: the figures in test_figures
    cancelled_event: Event  # another host's, cancelled with 2 people still signed up
    organiser: User


def _sign_up(event: Event, name: str, *, day: int, access: tuple[str, ...] = ()) -> Registration:
    # A minute apart in the order written: the waiting list is served in that order.
    minute = ord(name[0]) - ord("A")
    result = register(
        event,
        SignUpDetails(first_name=name, email=f"{name.lower()}@example.com", access_requests=access),
        now=FIRST_DAY + timedelta(days=day, minutes=minute),
    )
    return result.registration


def known_week() -> KnownWeek:
    """Event one, capacity 7: 10 sign-ups over 2 days, 3 waiting; 2 of them promoted, 3
    cancelled (2 by the person, 1 by the organisers), 5 checked in, 2 no-shows.

    Access: 4 ticket holders asked for listed needs; 2 came to an event offering all of them
    (one came but asked for something it does not offer; one did not come).
    """
    edition = make_edition(year=2031, starts_on=STARTS.date(), ends_on=STARTS.date())
    host, other_host = make_organisation(name="Host One"), make_organisation(name="Host Two")
    organiser = make_user(Role.ORGANISER, email="reports-organiser@example.org")
    event = make_event(
        edition=edition, host=host, starts_at=STARTS, capacity=7, access_features="step_free"
    )
    a1 = _sign_up(event, "Ava", day=0, access=("quiet_room",))  # cancels: not counted
    a2 = _sign_up(event, "Ben", day=0)
    a3 = _sign_up(event, "Cal", day=0, access=("step_free",))
    a4 = _sign_up(event, "Dee", day=0, access=("bsl",))
    a5 = _sign_up(event, "Eve", day=0)
    a6 = _sign_up(event, "Fay", day=1)
    a7 = _sign_up(event, "Gus", day=1, access=("step_free",))
    w1 = _sign_up(event, "Hal", day=1, access=("step_free",))
    w2 = _sign_up(event, "Ivy", day=1)
    w3 = _sign_up(event, "Jo", day=1)
    assert [w.status for w in (w1, w2, w3)] == ["waiting"] * 3

    cancel_registration(a1, now=FIRST_DAY + timedelta(days=2))  # Hal is promoted
    cancel_on_their_behalf(
        a2, reason="Signed up twice", actor=organiser, now=FIRST_DAY + timedelta(days=3)
    )  # Ivy is promoted
    cancel_registration(w3, now=FIRST_DAY + timedelta(days=4))  # a waiting place, given up
    for person in (a3, a4, a5, a6, w1):
        on_the_day.check_in(person, actor=organiser, now=STARTS)
    for person in (a7, w2):
        on_the_day.mark_no_show(person, actor=organiser, now=AFTER)
    db.session.commit()

    cancelled_event = make_event(edition=edition, host=other_host, starts_at=STARTS)
    early = _sign_up(cancelled_event, "Kit", day=0)
    _sign_up(cancelled_event, "Lou", day=0, access=("bsl",))
    _sign_up(cancelled_event, "Max", day=1)
    cancel_registration(early, now=FIRST_DAY + timedelta(days=2))
    event_changes.cancel_event(
        cancelled_event, "The venue flooded", actor=organiser, now=FIRST_DAY + timedelta(days=5)
    )
    make_event(edition=edition, host=host, starts_at=STARTS, status=EventStatus.DRAFT)  # left out
    db.session.commit()
    return KnownWeek(edition, host, other_host, event, cancelled_event, organiser)
