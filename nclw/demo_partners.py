"""The demo's partner work waiting for an organiser: a new session and a change to a live one."""

from __future__ import annotations

from datetime import date, timedelta

from nclw.events.models import Audience, Event, EventFormat, Organisation
from nclw.partners.models import Proposal, ProposalState, SessionChange, SessionChangeState
from nclw.timezones import uk_datetime, utcnow


def change_waiting_for_review(event: Event) -> SessionChange:
    """The host asks to start half an hour later: the week page keeps the old time until an
    organiser approves, and then everyone signed up is told."""
    now = utcnow()
    later = {"starts_at": event.starts_at + timedelta(minutes=30)}
    later["ends_at"] = event.ends_at + timedelta(minutes=30)
    return SessionChange(
        event=event,
        state=SessionChangeState.PENDING,
        changes={field: value.isoformat() for field, value in later.items()},
        before={field: getattr(event, field).isoformat() for field in later},
        created_at=now,
        updated_at=now,
    )


def proposal_waiting_for_review(host: Organisation, day: date) -> Proposal:
    """A partner's session with a safeguarding "No": the review asks the reviewer why it is
    acceptable before it can be approved."""
    now = utcnow()
    return Proposal(
        organisation=host,
        state=ProposalState.SUBMITTED,
        title="After-work networking for care leavers in tech",
        summary="Meet people who work in technology, in a relaxed setting after work.",
        description="An informal evening at a café near our London office.",
        highlights="Meet apprentices and graduates\nFind out how they got their jobs",
        starts_at=uk_datetime(day, 18),
        ends_at=uk_datetime(day, 20),
        format=EventFormat.IN_PERSON,
        venue_name="The Corner Café",
        address="1 Example Street, London",
        capacity=30,
        audience=Audience.CARE_EXPERIENCED,
        min_age=18,
        safeguarding_lead="Jo Reid",
        safeguarding_contact="jo.reid@example.org",
        staff_dbs_checked=False,
        note_to_reviewers="Some of our volunteers are new and not yet DBS-checked.",
        created_at=now,
        updated_at=now,
        submitted_at=now,
    )
