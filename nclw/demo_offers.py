"""The demo's full event that offers freed places: one offer open, one that ran out."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.demo_people import demo_ticket
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus, ReleaseRoute
from nclw.registrations.offers import offer_deadline
from nclw.timezones import utcnow


def show_offers(event: Event) -> None:
    """Turn offers on for a full event and tell its story: the second person confirmed
    cancelled yesterday; Omar, first in the queue, let the offer run out; Rosa holds it now
    (the place counts as taken), and whoever waited behind them still waits."""
    now = utcnow()
    event.offers_expire = True
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    gave_up = next(person for person in people if person.is_confirmed and person is not people[0])
    gave_up.status = RegistrationStatus.CANCELLED
    gave_up.cancelled_at = now - timedelta(days=1)
    # Each freed place went straight to the next person, as an offer: the report counts both.
    gave_up.released_via = ReleaseRoute.TICKET_PAGE
    gave_up.place_taken_again = True
    offered_at = now - timedelta(hours=1)
    deadline = offer_deadline(event.starts_at, now=offered_at) or now + timedelta(hours=3)
    joined = now - timedelta(days=3)
    for name, expired in (("Omar", True), ("Rosa", False)):
        demo_ticket(
            event,
            name,
            status=RegistrationStatus.CANCELLED if expired else RegistrationStatus.OFFERED,
            created_at=joined,
            offer_expires_at=offered_at if expired else deadline,
            offer_expired_at=offered_at if expired else None,
            cancelled_at=offered_at if expired else None,
            released_via=ReleaseRoute.EXPIRED_OFFER if expired else None,
            place_taken_again=expired,
            declared_care_experienced=True,
        )
