"""The demo's full event, with places given back by every route, for its report."""

from __future__ import annotations

from datetime import timedelta

from nclw.demo_people import demo_ticket
from nclw.events.models import Audience, Event
from nclw.registrations.models import (
    CalendarAnswer,
    RegistrationStatus,
    ReleaseRoute,
)
from nclw.timezones import utcnow

# (name, how the place was given back, whether someone waiting took it)
GIVEN_BACK = [
    ("Rosa", ReleaseRoute.TICKET_PAGE, True),
    ("Dev", ReleaseRoute.REMINDER, True),
    ("Lena", ReleaseRoute.REMINDER, False),
    ("Kai", ReleaseRoute.CALENDAR_REPLY, True),
    ("Finn", ReleaseRoute.ORGANISER, False),
]


def places_given_back(event: Event) -> None:
    """Five people who held a place and gave it back, one or more by each route; three of
    the places went straight to someone on the waiting list."""
    now = utcnow()
    for index, (name, route, taken_again) in enumerate(GIVEN_BACK):
        demo_ticket(
            event,
            name,
            "given-back",
            index,
            status=RegistrationStatus.CANCELLED,
            created_at=now - timedelta(days=10),
            confirmed_at=now - timedelta(days=10),
            cancelled_at=now - timedelta(days=2, hours=index),
            declared_care_experienced=event.audience == Audience.CARE_EXPERIENCED,
            released_via=route,
            place_taken_again=taken_again,
            cancellation_reason="Signed up twice" if route == ReleaseRoute.ORGANISER else None,
            calendar_answer=CalendarAnswer.DECLINED
            if route == ReleaseRoute.CALENDAR_REPLY
            else None,
            calendar_answered_at=now - timedelta(days=2, hours=index)
            if route == ReleaseRoute.CALENDAR_REPLY
            else None,
        )
