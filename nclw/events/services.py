"""Reading the week: which week is on, what is in it, and whether sign-up is open."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed, one_line_text, required_text
from nclw.events.details import DETAIL_FIELDS, check_details, ready_to_publish_problem
from nclw.events.filters import WeekFilters
from nclw.events.models import PUBLIC_STATUSES, Edition, Event, EventStatus, Organisation
from nclw.events.slugs import slug_base
from nclw.extensions import db
from nclw.timezones import format_day, to_uk


def current_edition(*, today: date) -> Edition | None:
    """The week happening now or next; failing that, the most recent one."""
    upcoming = db.session.scalar(
        sa.select(Edition).where(Edition.ends_on >= today).order_by(Edition.starts_on).limit(1)
    )
    if upcoming:
        return upcoming
    return db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()).limit(1))


def earlier_weeks(*, today: date, shown: Edition | None) -> list[Edition]:
    """The weeks that have finished, latest first, but the one on the page."""
    query = sa.select(Edition).where(Edition.ends_on < today).order_by(Edition.year.desc())
    if shown is not None:
        query = query.where(Edition.id != shown.id)
    return list(db.session.scalars(query))


def week_has_finished(edition: Edition, *, today: date) -> bool:
    """A finished week's pages stay to read; it takes no sign-ups and offers no calendar."""
    return edition.ends_on < today


def edition_for_year(year: int) -> Edition | None:
    """The week held in a given year."""
    return db.session.scalar(sa.select(Edition).where(Edition.year == year))


def published_events(edition: Edition, filters: WeekFilters | None = None) -> list[Event]:
    """The week's published and cancelled events in time order, hosts loaded in one query."""
    query = (
        sa.select(Event)
        .where(
            Event.edition_id == edition.id,
            Event.status.in_(PUBLIC_STATUSES),
        )
        .options(selectinload(Event.host))
        .order_by(Event.starts_at, Event.title)
    )
    if filters and filters.formats_shown:
        query = query.where(Event.format.in_(filters.formats_shown))
    if filters and filters.audiences_shown:
        query = query.where(Event.audience.in_(filters.audiences_shown))
    if filters and filters.access:
        # Keys are whole words that are not part of one another, so a match is the feature.
        query = query.where(Event.access_features.contains(filters.access.value))
    return list(db.session.scalars(query))


def group_by_day(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """Events grouped under 'Wednesday 28 October', by their UK start day."""
    return [
        (format_day(events_of_day[0].starts_at), events_of_day)
        for _, grouped in groupby(events, key=lambda event: to_uk(event.starts_at).date())
        for events_of_day in [list(grouped)]
    ]


@functools.cache
def public_event_by_slug() -> sa.Select:
    """A published or cancelled event by its slug (the `slug` parameter), with its host."""
    # Built once, on first use (the mappers must be configured first): every event page and
    # sign-up runs it, and building it cost more than running it.
    return (
        sa.select(Event)
        .where(
            Event.slug == sa.bindparam("slug"),
            Event.status.in_(PUBLIC_STATUSES),
        )
        # One event, one host: a join is one round trip where selectinload would be two.
        .options(joinedload(Event.host))
    )


def get_public_event(slug: str) -> Event | None:
    """A published or cancelled event by its slug (drafts are not public)."""
    return db.session.scalar(public_event_by_slug(), {"slug": slug})


def sign_up_closed_reason(event: Event, *, now: datetime) -> str | None:
    """Why sign-up is not open right now, in plain words, or None when it is open."""
    if event.status == EventStatus.CANCELLED:
        return _("This event has been cancelled.")
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not open for sign-up.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Sign-up has not opened yet.")
    if now >= event.starts_at:
        return _("Sign-up has closed because the event has started.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Sign-up has closed.")
    return None


def availability(event: Event, *, now: datetime) -> str:
    """'12 places left', 'Waiting list open', 'Sign-up closed' and so on."""
    if event.status == EventStatus.CANCELLED:
        return _("Cancelled")
    if sign_up_closed_reason(event, now=now):
        if event.registration_opens_at and now < event.registration_opens_at:
            return _("Sign-up opens soon")
        return _("Sign-up closed")
    left = event.places_left
    if left is None:
        return _("Places available")
    if left == 0:
        return _("Waiting list open")
    return ngettext("%(num)d place left", "%(num)d places left", left)


# --- Running events: the organisers' (and hosts') management rules -----------------------

# Fields an organiser may set on an event: its details, and how it is run.
EDITABLE_FIELDS = frozenset(DETAIL_FIELDS) | {
    "registration_opens_at",
    "registration_closes_at",
    "host_id",
    "edition_id",
    "qa_enabled",
    "qa_askers",
    "qa_public_list",
    "partner_moderates",
    "offers_expire",
    "supporters_allowed",
}
# A change to any of these moves people's plans: everyone signed up is told, with a new invite.
NOTIFY_FIELDS = ("starts_at", "ends_at", "venue_name", "address", "online_url", "format")


def _record(action: AuditAction, target: object, actor, now: datetime, summary: str) -> None:
    record_action(action, actor=actor, target=target, summary=summary, now=now)


def unique_slug(title: str) -> str:
    """A web address part made from the title, unused by any other event."""
    base = slug_base(title)
    taken = set(
        db.session.scalars(
            sa.select(Event.slug).where(sa.or_(Event.slug == base, Event.slug.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _event_details(event: Event) -> dict:
    return {name: getattr(event, name) for name in EDITABLE_FIELDS}


def create_event(details: dict, *, actor, now: datetime) -> Event:
    """Make a draft event (it is not public until published).

    Every way an event comes to be (an organiser's form, an approved proposal) goes through
    here, so the same rules hold for all of them.
    """
    unknown = set(details) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"These details cannot be set: {', '.join(sorted(unknown))}.")
    check_details(details)
    event = Event(
        slug=unique_slug(details.get("title") or "event"),
        status=EventStatus.DRAFT,
        created_at=now,
        updated_at=now,
        **details,
    )
    db.session.add(event)
    db.session.flush()
    _record(AuditAction.EVENT_CREATED, event, actor, now, event.title)
    return event


def changed_fields(event: Event, changes: dict) -> list[str]:
    """The fields whose value would really change."""
    return [name for name, value in changes.items() if getattr(event, name) != value]


def moves_people(event: Event, changes: dict) -> bool:
    """Whether an edit changes the time or place of an event people may have signed up for."""
    return event.status == EventStatus.PUBLISHED and any(
        name in NOTIFY_FIELDS for name in changed_fields(event, changes)
    )


def check_event_changes(event: Event, changes: dict) -> None:
    """Refuse an edit that breaks a rule, before anything is changed."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"These details cannot be changed: {', '.join(sorted(unknown))}.")
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("This event is cancelled and can no longer be changed."))
    after = _event_details(event) | changes
    check_details(after, changed=changed_fields(event, changes))
    # What is on the site stays fit to be there.
    problem = ready_to_publish_problem(after) if event.status == EventStatus.PUBLISHED else None
    if problem:
        raise InvalidInput(problem)


def apply_event_changes(event: Event, changes: dict, *, now: datetime) -> list[str]:
    """Write an edit already checked by `check_event_changes`; returns the fields changed.

    The number of places is not set here: the waiting list moves with it, so the
    registrations' `change_capacity` sets it. A new time or place raises the event's
    sequence, so calendar updates sent now supersede the invites people have.
    """
    if "capacity" in changes:
        raise InvalidInput("Change the number of places with change_capacity.")
    moved = moves_people(event, changes)
    fields = changed_fields(event, changes)
    for name in fields:
        setattr(event, name, changes[name])
    if moved:
        event.sequence += 1
    if fields:
        event.updated_at = now
    db.session.flush()
    return fields


@dataclass(frozen=True)
class EventAction:
    """Something an organiser can do next to an event, as the event page offers it."""

    name: str  # edit, publish, unpublish, duplicate, cancel: the view `<name>_event`
    label: str
    # "get" opens a page that asks first; "post" acts at once.
    method: str
    style: str  # primary, secondary or warning


def event_actions(event: Event) -> list[EventAction]:
    """What can be done to an event in its state, in the order the page shows them.

    The same states the services check: a cancelled event is never changed again, only a
    draft is published and only a published event is unpublished. Other refusals (no venue,
    people signed up) are the services' to explain when tried.
    """
    live = event.status != EventStatus.CANCELLED
    actions = []
    if live:
        actions.append(
            EventAction("edit", _("Edit details, time, place or capacity"), "get", "secondary")
        )
    if event.status == EventStatus.DRAFT:
        actions.append(EventAction("publish", _("Publish"), "post", "primary"))
    elif event.status == EventStatus.PUBLISHED:
        actions.append(EventAction("unpublish", _("Unpublish"), "post", "secondary"))
    actions.append(EventAction("duplicate", _("Duplicate"), "post", "secondary"))
    if live:
        actions.append(EventAction("cancel", _("Cancel this event"), "get", "warning"))
    return actions


def publish_event(event: Event, *, actor, now: datetime) -> None:
    """Put a draft on the week page so people can sign up."""
    if event.status == EventStatus.PUBLISHED:
        raise NotAllowed(_("This event is already published."))
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("A cancelled event cannot be published again. Duplicate it instead."))
    problem = ready_to_publish_problem(_event_details(event))
    if problem:
        raise InvalidInput(problem)
    if event.ends_at <= now:
        raise InvalidInput(_("This event has already happened."))
    event.status = EventStatus.PUBLISHED
    event.updated_at = now
    _record(AuditAction.EVENT_PUBLISHED, event, actor, now, event.title)


def unpublish_event(event: Event, *, signed_up: int, actor, now: datetime) -> None:
    """Take an event off the week page; only while nobody is signed up (else cancel it).

    `signed_up` is how many hold a ticket or a waiting-list place: the registrations count
    them (`registrations.event_changes.unpublish_event` is the way in).
    """
    if event.status != EventStatus.PUBLISHED:
        raise NotAllowed(_("Only a published event can be unpublished."))
    if signed_up:
        raise NotAllowed(
            ngettext(
                "%(num)d person is signed up. Cancel the event instead, so they are told.",
                "%(num)d people are signed up. Cancel the event instead, so they are told.",
                signed_up,
            )
        )
    event.status = EventStatus.DRAFT
    event.updated_at = now
    _record(AuditAction.EVENT_UNPUBLISHED, event, actor, now, event.title)


def mark_event_cancelled(event: Event, reason: str, *, now: datetime) -> None:
    """Set the event itself as cancelled, with the reason people will read.

    Locks the event row first, so no sign-up takes a place while it is being cancelled. The
    people signed up are the registrations' to tell (`registrations.event_changes`).
    """
    reason = required_text(
        reason, _("Say why the event is cancelled. Everyone signed up will see it.")
    )
    db.session.refresh(event, with_for_update=True)
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("This event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason[:500]
    event.sequence += 1
    event.updated_at = now


_COPIED_FIELDS = EDITABLE_FIELDS - {"title"}


def duplicate_event(event: Event, *, actor, now: datetime) -> Event:
    """A new draft with the same details and nobody signed up."""
    title = f"{event.title} (copy)"[:160]
    copy = Event(
        slug=unique_slug(title),
        title=title,
        status=EventStatus.DRAFT,
        created_at=now,
        updated_at=now,
        **{name: getattr(event, name) for name in _COPIED_FIELDS},
    )
    db.session.add(copy)
    db.session.flush()
    _record(AuditAction.EVENT_DUPLICATED, copy, actor, now, f"copy of {event.title}")
    return copy


def _organisation_name(name: str, *, other_than: Organisation | None = None) -> str:
    """The name, tidied, if no other organisation has it (in any case)."""
    name = one_line_text(
        name,
        _("Enter the organisation's name."),
        limit=160,
        too_long=_("The organisation's name must be 160 characters or fewer."),
    )
    same = sa.select(Organisation.id).where(sa.func.lower(Organisation.name) == name.lower())
    if other_than is not None:
        same = same.where(Organisation.id != other_than.id)
    if db.session.scalar(same):
        raise InvalidInput(_("There is already an organisation with that name."))
    return name


def create_organisation(name: str, kind, *, actor, now: datetime):
    """Add a host organisation (a charity, council, employer or public body)."""
    name = _organisation_name(name)
    organisation = Organisation(name=name, kind=kind, is_partner=True)
    db.session.add(organisation)
    db.session.flush()
    _record(AuditAction.ORGANISATION_CREATED, organisation, actor, now, name)
    return organisation


def rename_organisation(organisation: Organisation, name: str, *, actor, now: datetime) -> None:
    """Give an organisation its right name (its events, people and proposals follow)."""
    before = organisation.name
    organisation.name = _organisation_name(name, other_than=organisation)
    summary = f"{before} to {organisation.name}"
    _record(AuditAction.ORGANISATION_RENAMED, organisation, actor, now, summary)
