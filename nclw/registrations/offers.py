"""Offers from the waiting list: a freed place held for the next person until a deadline.

An event whose organisers turned offers on (`Event.offers_expire`) does not confirm the next
person outright: it offers them the place. The offer holds the place (it counts in the
event's `confirmed_count`, so nobody can take it and nothing is overbooked), and the person
claims it, says "No thanks", or lets it run out (`nclw.registrations.offer_replies`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.events.models import Event
from nclw.mail.outbox import queue_ticket_email
from nclw.registrations import messages
from nclw.registrations.models import Registration, RegistrationStatus

# How long a person has to claim a place, by how far off the event is: the nearer it is,
# the sooner the place must move on if they cannot come.
OFFER_WINDOWS: tuple[tuple[timedelta, timedelta], ...] = (
    # (the event starts more than this far off, the offer lasts this long)
    (timedelta(days=3), timedelta(hours=24)),
    (timedelta(hours=24), timedelta(hours=12)),
    (timedelta(hours=6), timedelta(hours=3)),
)


def offer_deadline(starts_at: datetime, *, now: datetime) -> datetime | None:
    """When an offer made `now` runs out, or None when there is no time for one.

    24 hours while the event is more than 3 days off, 12 hours inside 3 days, 3 hours
    inside 24 hours. Inside the last 6 hours a freed place is confirmed outright: an offer
    could outlive the event's start, and nobody would have time to pass it on.
    """
    lead = starts_at - now
    for further_than, lasts in OFFER_WINDOWS:
        if lead > further_than:
            return min(now + lasts, starts_at)
    return None


def deadline_for(event: Event, *, now: datetime) -> datetime | None:
    """The deadline of an offer made now for this event; None to confirm outright."""
    if not event.offers_expire:
        return None
    return offer_deadline(event.starts_at, now=now)


def make_offer(registration: Registration, deadline: datetime, *, now: datetime) -> None:
    """Offer a waiting person the place already taken for them, and email them the link.

    The caller took the place (see `waiting_list.promote_from_waiting_list`): from here on it is
    held for this person until `deadline`.
    """
    registration.status = RegistrationStatus.OFFERED
    registration.offer_expires_at = deadline
    registration.updated_at = now
    queue_ticket_email(messages.place_offered(registration), registration)
    record_action(
        AuditAction.OFFER_MADE,
        actor=None,
        target=registration,
        summary=f"{registration.reference}, until {deadline.isoformat(timespec='minutes')}",
        now=now,
    )


def offer_open(registration: Registration, *, now: datetime) -> bool:
    """The person holds an offer they can still claim."""
    return (
        registration.is_offered
        and registration.offer_expires_at is not None
        and now < registration.offer_expires_at
    )
