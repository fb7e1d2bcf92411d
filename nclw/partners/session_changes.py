"""A partner's change to a live session: asked for, reviewed by an organiser, then applied.

People signed up for what the page said. So a partner never changes a session on the site
directly: every change to what attendees see or were sent (its name, words, time, place or
joining link) waits here, and the event stays exactly as it was until an organiser approves
it. Then `update_event` applies it, and everyone signed up is told of a new time or place,
as for an organiser's own edit.

Where the line is drawn: every change waits, even a typo fixed in the summary. A program
cannot tell a typo from a new promise, and a reviewer can approve a small fix in seconds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.accounts.permissions import can_host, is_active_organiser
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed, one_line_text
from nclw.events.models import Event, EventStatus
from nclw.events.services import check_event_changes
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.links import absolute_url
from nclw.mail.outbox import ComposedEmail, compose_email, queue_email
from nclw.partners.compare import LABELS as PROPOSAL_LABELS
from nclw.partners.compare import show_value
from nclw.partners.models import SessionChange, SessionChangeState
from nclw.partners.services import SESSION_EDIT_FIELDS, organiser_addresses, partner_address
from nclw.registrations.event_changes import update_event
from nclw.timezones import format_day, to_uk, uk_datetime

_TIMES = ("starts_at", "ends_at")

# How each detail a partner may change is named: the same words as in a proposal's versions.
LABELS = {field: PROPOSAL_LABELS[field] for field in SESSION_EDIT_FIELDS}


def _log_summary(changed) -> str:
    # The audit log keeps its words in English, whatever language the partner's page is in.
    with force_locale("en"):
        return "asked to change " + ", ".join(str(LABELS[field]).lower() for field in changed)


def _stored(field: str, value: Any) -> Any:
    return value.isoformat() if field in _TIMES and value is not None else value


def _live(field: str, value: Any) -> Any:
    return datetime.fromisoformat(value) if field in _TIMES and value is not None else value


def requested(change: SessionChange) -> dict[str, Any]:
    """The change's values as the event's fields take them."""
    return {field: _live(field, value) for field, value in change.changes.items()}


def pending_change(event: Event) -> SessionChange | None:
    """The change waiting for review on this event, if there is one (never more than one)."""
    return db.session.scalar(
        sa.select(SessionChange).where(
            SessionChange.event_id == event.id, SessionChange.state == SessionChangeState.PENDING
        )
    )


def _check_host(event: Event, actor: User) -> None:
    if not can_host(actor, event):
        raise Forbidden(_("Only the organisation hosting this session can do that."))


def _check_within_week(event: Event, values: dict[str, Any]) -> None:
    starts = values.get("starts_at", event.starts_at)
    week = event.edition
    if not week.starts_on <= to_uk(starts).date() <= week.ends_on:
        raise InvalidInput(
            _(
                "The session must stay within the week (%(first)s to %(last)s). "
                "Ask the organisers if it needs to move outside it.",
                first=_day(week.starts_on),
                last=_day(week.ends_on),
            )
        )


def _day(day: date) -> str:
    """'Monday 26 October', in the page's language (never with its year)."""
    noon = uk_datetime(day, 12)
    return format_day(noon, now=noon)


def ask_for_change(
    event: Event, values: dict[str, Any], *, actor: User, now: datetime
) -> SessionChange | None:
    """Send a change to a live session for review; the event itself is not touched.

    A second change while one is waiting replaces it (the reviewer sees one change, the
    latest). Returns the waiting change, or None when nothing differs from the site.
    """
    _check_host(event, actor)
    if event.status == EventStatus.CANCELLED:
        raise NotAllowed(_("This session has been cancelled, so it cannot be changed."))
    unknown = set(values) - set(SESSION_EDIT_FIELDS)
    if unknown:
        raise Forbidden(_("Ask the organisers to change that."))
    changed = {field: value for field, value in values.items() if getattr(event, field) != value}
    waiting = pending_change(event)
    if not changed:
        if waiting is not None:
            withdraw_change(waiting, actor=actor, now=now)
        return None
    # The same rules as any edit, checked now so a partner hears at once, and again on approval.
    check_event_changes(event, changed)
    _check_within_week(event, changed)
    stored = {field: _stored(field, value) for field, value in changed.items()}
    before = {field: _stored(field, getattr(event, field)) for field in changed}
    if waiting is None:
        waiting = SessionChange(event=event, created_at=now)
        db.session.add(waiting)
    waiting.proposed_by_id = actor.id
    waiting.changes = stored
    waiting.before = before
    waiting.updated_at = now
    db.session.flush()
    for address in organiser_addresses():
        queue_email(_to_organisers(waiting, address), event_id=event.id)
    record_action(
        AuditAction.SESSION_CHANGE_REQUESTED,
        actor=actor,
        target=event,
        summary=_log_summary(changed),
        now=now,
    )
    return waiting


def withdraw_change(change: SessionChange, *, actor: User, now: datetime) -> None:
    """The partner takes back a change that is still waiting."""
    _check_host(change.event, actor)
    _move(change, SessionChangeState.WITHDRAWN, actor=actor, now=now)
    record_action(AuditAction.SESSION_CHANGE_WITHDRAWN, actor=actor, target=change.event, now=now)


def approve_change(change: SessionChange, *, actor: User, now: datetime) -> int:
    """Apply a waiting change to the live session; returns how many attendees were told."""
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can review changes to sessions."))
    event = change.event
    values = requested(change)
    # The site may have moved on since (an organiser's own edit): the rules hold for the result.
    check_event_changes(event, values)
    _move(change, SessionChangeState.APPROVED, actor=actor, now=now)
    told = update_event(event, values, actor=actor, now=now)
    _tell_partner(change, _approved, told=told)
    record_action(
        AuditAction.SESSION_CHANGE_APPROVED,
        actor=actor,
        target=event,
        # The log is kept in English, whatever language the organiser reads the site in.
        summary=f"{told} attendee{'' if told == 1 else 's'} told" if told else "",
        now=now,
    )
    return told


def decline_change(change: SessionChange, *, reason: str, actor: User, now: datetime) -> None:
    """Say no to a change, with a reason the partner reads; the session stays as it is."""
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can review changes to sessions."))
    reason = one_line_text(reason, _("Give a reason, so the partner knows why."))
    _move(change, SessionChangeState.DECLINED, actor=actor, now=now)
    change.decline_reason = reason
    _tell_partner(change, _declined)
    record_action(AuditAction.SESSION_CHANGE_DECLINED, actor=actor, target=change.event, now=now)


def _move(change: SessionChange, to: SessionChangeState, *, actor: User, now: datetime) -> None:
    """Leave "waiting" with a guarded UPDATE, so two reviewers cannot both decide."""
    if not guarded_update(
        SessionChange,
        SessionChange.id == change.id,
        SessionChange.state == SessionChangeState.PENDING,
        state=to,
        decided_at=now,
        decided_by_id=actor.id,
    ):
        db.session.refresh(change)
        raise NotAllowed(
            _("This change is no longer waiting for review: %(state)s", state=change.state.label)
        )
    change.state, change.decided_at, change.decided_by_id = to, now, actor.id


# --- What reviewers and partners read ---------------------------------------------------------


def rows(change: SessionChange, *, against_the_site: bool = True) -> list[tuple[str, str, str]]:
    """(what, before, asked for) for each changed field, side by side.

    "Before" is what the site says now (for a reviewer deciding), or, with
    `against_the_site=False`, what it said when the change was asked for (for the emails
    after a decision, when the site may already show the change).
    """
    event = change.event

    def before(field: str) -> Any:
        if against_the_site:
            return _stored(field, getattr(event, field))
        return change.before.get(field)

    return [
        (str(LABELS[field]), show_value(field, before(field)), show_value(field, value))
        for field, value in change.changes.items()
    ]


def outside_the_week(change: SessionChange) -> bool:
    """Whether the change would move the session out of its week (refused when asked for,
    but the week's dates may have changed since)."""
    try:
        _check_within_week(change.event, requested(change))
    except InvalidInput:
        return True
    return False


def _compose(kind: str, subject: str, change: SessionChange, to: str, **extra):
    # Each kind of email is drawn from the template of its name.
    event = change.event
    return compose_email(
        kind,
        to,
        subject,
        f"partners/mail/{kind}",
        change=change,
        event=event,
        organisation=event.host,
        rows=rows(change, against_the_site=False),
        day=format_day(event.starts_at),
        review_url=absolute_url(f"/admin/proposals/changes/{change.id}"),
        session_url=absolute_url(f"/partner/sessions/{event.id}"),
        **extra,
    )


def _to_organisers(change: SessionChange, to: str) -> ComposedEmail:
    return _compose(
        "session_change_requested",
        _(
            "Change to review: %(title)s from %(host)s",
            title=change.event.title,
            host=change.event.host.name,
        ),
        change,
        to,
    )


def _approved(change: SessionChange, to: str, *, told: int = 0) -> ComposedEmail:
    return _compose(
        "session_change_approved",
        _("Change approved: %(title)s", title=change.event.title),
        change,
        to,
        told=told,
    )


def _declined(change: SessionChange, to: str) -> ComposedEmail:
    return _compose(
        "session_change_declined",
        _("Change not made: %(title)s", title=change.event.title),
        change,
        to,
    )


def _tell_partner(change: SessionChange, compose, **extra) -> None:
    address = partner_address(change.proposed_by, change.event.host)
    if address:
        queue_email(compose(change, address, **extra), event_id=change.event_id)
