"""A small week for back-office tests: an event with people confirmed, waiting and cancelled."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nclw.accounts.models import Role, User
from nclw.events.models import Event, EventFormat
from nclw.registrations.models import Registration, RegistrationStatus
from tests.conftest import login
from tests.factories import give_event, make_event, make_registration, make_user


@dataclass
class Week:
    event: Event
    confirmed: Registration
    waiting: Registration
    organiser: User
    partner: User


@pytest.fixture
def week(app) -> Week:
    event = make_event(
        capacity=1, format=EventFormat.IN_PERSON, venue_name="Town Hall", address="1 High St"
    )
    confirmed = make_registration(event, first_name="Ava", email="ava@example.com")
    waiting = make_registration(
        event, status=RegistrationStatus.WAITING, first_name="Ben", email="ben@example.com"
    )
    organiser = make_user(Role.ORGANISER, email="organiser@example.org")
    partner = make_user(Role.PARTNER, email="partner@example.org")
    return Week(event, confirmed, waiting, organiser, partner)


@pytest.fixture
def organiser_client(client, week):
    login(client, week.organiser)
    return client


@pytest.fixture
def door(week) -> User:
    """Door staff given the week's event (and no other)."""
    person = make_user(Role.DOOR_STAFF, email="door@example.org")
    give_event(person, week.event)
    return person


@pytest.fixture
def door_client(client, door):
    login(client, door)
    return client
