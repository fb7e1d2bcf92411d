"""The demo conference allows supporters: one young person brings their personal adviser,
and a pair waits together for two places."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nclw.demo_people import demo_ticket
from nclw.events.models import Audience, Event
from nclw.extensions import db
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.supporter_models import Supporter, SupporterRole
from nclw.timezones import utcnow


def show_supporters(event: Event) -> None:
    """Allow supporters at a nearly full event: a confirmed ticket gains a personal adviser
    (one more place taken), and Jade waits with her carer, since only one place is left."""
    now = utcnow()
    event.supporters_allowed = True
    db.session.flush()
    confirmed = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
    ).all()
    with_adviser = confirmed[-1]
    db.session.add(
        Supporter(
            registration=with_adviser,
            first_name="Dee",
            role=SupporterRole.PERSONAL_ADVISER,
            created_at=now,
        )
    )
    event.confirmed_count += 1
    waiting = demo_ticket(
        event,
        "Jade",
        status=RegistrationStatus.WAITING,
        created_at=now,
        waiting_since=now - timedelta(hours=2),
        declared_care_experienced=event.audience == Audience.CARE_EXPERIENCED,
        organisation_name="Example Council" if event.audience == Audience.PROFESSIONALS else None,
        job_role="Apprentice" if event.audience == Audience.PROFESSIONALS else None,
    )
    db.session.add(
        Supporter(
            registration=waiting, first_name="Chris", role=SupporterRole.CARER, created_at=now
        )
    )
