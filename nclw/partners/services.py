"""The rules for partners' proposals and the sessions they run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import Role, User
from nclw.accounts.permissions import (
    can_change_proposal,
    can_host,
    can_propose_sessions,
    is_active_organiser,
)
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import Forbidden, InvalidInput, NotAllowed, required_text
from nclw.events.details import DETAIL_FIELDS, check_details, ready_to_publish_problem
from nclw.events.models import Edition, Event
from nclw.events.services import create_event, current_edition, publish_event
from nclw.extensions import db
from nclw.guarded import guarded_update
from nclw.mail.outbox import queue_email
from nclw.partners import exports, messages
from nclw.partners.models import (
    PROPOSAL_FIELDS,
    Proposal,
    ProposalState,
    ProposalVersion,
)
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.timezones import to_uk

# What a partner may ask to change on a session already on the site (see session_changes):
# its details, except how people take part, who and how many (those are the organisers' call).
SESSION_EDIT_FIELDS = tuple(
    name
    for name in DETAIL_FIELDS
    if name not in ("format", "audience", "capacity", "min_age", "max_age", "access_features")
)


# --- Reading ---------------------------------------------------------------------------------


def shared_attendees(event: Event, *, actor: User) -> list[Registration]:
    """Attendees who agreed to share their first name and email with this host, and only them."""
    _check_host(event, actor)
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.share_with_host.is_(True),
                Registration.anonymised_at.is_(None),
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .order_by(Registration.status, Registration.created_at, Registration.id)
        )
    )


def download_shared_attendees(event: Event, *, actor: User, now: datetime) -> bytes:
    """The shared attendees as CSV, recorded in the audit log as the organisers' downloads are.

    The caller commits the entry before the file goes out.
    """
    attendees = shared_attendees(event, actor=actor)
    record_action(
        AuditAction.EXPORT_DOWNLOADED,
        actor=actor,
        target=event,
        summary=(
            f"CSV of {event.slug} for its host; columns: first_name, email, status; "
            f"{len(attendees)} {'person' if len(attendees) == 1 else 'people'}"
        ),
        now=now,
    )
    return exports.shared_attendees_csv(attendees)


# --- Proposing -------------------------------------------------------------------------------


def _check_partner(proposal: Proposal, actor: User) -> None:
    if not can_change_proposal(actor, proposal):
        raise Forbidden(_("Only the organisation that proposed this session can change it."))


def _check_host(event: Event, actor: User) -> None:
    if not can_host(actor, event):
        raise Forbidden(_("Only the organisation hosting this session can do that."))


def _check_organiser(actor: User) -> None:
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can review proposals."))


def _check_details(details: dict[str, Any], *, changed=None) -> None:
    # The same rules as an organiser's event, and a proposal must be ready to go on the site.
    check_details(details, changed=changed)
    problem = ready_to_publish_problem(details)
    if problem:
        raise InvalidInput(problem)


def _apply(proposal: Proposal, data: dict[str, Any]) -> None:
    unknown = set(data) - set(PROPOSAL_FIELDS)
    if unknown:
        raise InvalidInput(_("Some details were not recognised."))
    merged = {field: getattr(proposal, field, None) for field in PROPOSAL_FIELDS} | data
    _check_details(merged, changed=data)
    for field, value in data.items():
        setattr(proposal, field, value)


def create_proposal(data: dict[str, Any], *, actor: User, now: datetime) -> Proposal:
    """Start a draft proposal for the actor's organisation."""
    if not can_propose_sessions(actor):
        raise Forbidden(_("Only partner organisations can propose sessions."))
    proposal = Proposal(
        organisation_id=actor.organisation_id,
        proposed_by_id=actor.id,
        state=ProposalState.DRAFT,
        created_at=now,
        updated_at=now,
    )
    _apply(proposal, data)
    db.session.add(proposal)
    db.session.flush()
    record_action(
        AuditAction.PROPOSAL_CREATED, actor=actor, target=proposal, summary=proposal.title, now=now
    )
    return proposal


def update_proposal(
    proposal: Proposal, data: dict[str, Any], *, actor: User, now: datetime
) -> None:
    """Change a draft, or a proposal sent back for changes."""
    _check_partner(proposal, actor)
    if not proposal.is_editable:
        raise NotAllowed(
            _("This proposal cannot be changed now. It is %(state)s.", state=_state_words(proposal))
        )
    _apply(proposal, data)
    proposal.updated_at = now
    record_action(
        AuditAction.PROPOSAL_EDITED, actor=actor, target=proposal, summary=proposal.title, now=now
    )


def _state_words(proposal: Proposal) -> str:
    return proposal.state.label.lower()


def _move(proposal: Proposal, allowed: tuple[ProposalState, ...], to: ProposalState) -> None:
    """Change state with a guarded UPDATE, so two reviewers cannot both act on one proposal."""
    if proposal.state not in allowed:
        raise NotAllowed(
            _("That cannot be done: this proposal is %(state)s.", state=_state_words(proposal))
        )
    if not guarded_update(
        Proposal, Proposal.id == proposal.id, Proposal.state.in_(allowed), state=to
    ):
        db.session.refresh(proposal)
        raise NotAllowed(_("Someone else has just acted on this proposal. Please check it again."))
    proposal.state = to


def _snapshot(proposal: Proposal) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in PROPOSAL_FIELDS:
        value = getattr(proposal, field)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        values[field] = value
    return values


def organiser_addresses() -> list[str]:
    """Where news for the organisers goes: every active organiser."""
    return list(
        db.session.scalars(
            sa.select(User.email)
            .where(User.role == Role.ORGANISER, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _tell_organisers(compose, proposal: Proposal, **extra: Any) -> None:
    for address in organiser_addresses():
        queue_email(compose(proposal, address, **extra))


def partner_address(asked_by: User | None, organisation) -> str | None:
    """Where a partner hears a decision: whoever asked, or, once they have left, the
    organisation's own address, so the news is not lost."""
    if asked_by is not None and asked_by.active:
        return asked_by.email
    return organisation.contact_email or None


def _tell_partner(compose, proposal: Proposal, **extra: Any) -> None:
    address = partner_address(proposal.proposed_by, proposal.organisation)
    if address:
        queue_email(compose(proposal, address, **extra), event_id=proposal.event_id)


def submit_proposal(proposal: Proposal, *, actor: User, now: datetime) -> ProposalVersion:
    """Send a draft (or a changed proposal) to the organisers; keeps a copy as a new version."""
    _check_partner(proposal, actor)
    if not proposal.safeguarding_lead.strip() or not proposal.safeguarding_contact.strip():
        raise InvalidInput(_("Name the safeguarding lead and say how to reach them."))
    if proposal.staff_dbs_checked is None:
        raise InvalidInput(
            _("Say whether all staff at the session are DBS-checked before you send it.")
        )
    _move(proposal, (ProposalState.DRAFT, ProposalState.CHANGES_REQUESTED), ProposalState.SUBMITTED)
    number = len(proposal.versions) + 1
    version = ProposalVersion(
        proposal=proposal,
        number=number,
        submitted_at=now,
        submitted_by_id=actor.id,
        snapshot=_snapshot(proposal),
    )
    db.session.add(version)
    proposal.submitted_at = now
    proposal.updated_at = now
    db.session.flush()
    _tell_organisers(messages.proposal_submitted, proposal, version=version)
    record_action(
        AuditAction.PROPOSAL_SUBMITTED,
        actor=actor,
        target=proposal,
        summary=f"{proposal.title} (version {number})",
        now=now,
    )
    return version


def request_changes(proposal: Proposal, *, comments: str, actor: User, now: datetime) -> None:
    """Send a proposal back to its partner with the reviewer's comments."""
    _check_organiser(actor)
    comments = required_text(comments, _("Say what needs to change."))
    _move(proposal, (ProposalState.SUBMITTED,), ProposalState.CHANGES_REQUESTED)
    proposal.reviewer_comments = comments
    if proposal.latest_version is not None:
        proposal.latest_version.reviewer_comments = comments
    proposal.decided_at = now
    _tell_partner(messages.changes_requested, proposal)
    record_action(
        AuditAction.PROPOSAL_CHANGES_REQUESTED,
        actor=actor,
        target=proposal,
        summary=comments,
        now=now,
    )


def decline_proposal(proposal: Proposal, *, reason: str, actor: User, now: datetime) -> None:
    """Say no to a proposal, with a reason the partner will read."""
    _check_organiser(actor)
    reason = required_text(reason, _("Give a reason, so the partner knows why."))
    _move(proposal, (ProposalState.SUBMITTED,), ProposalState.DECLINED)
    proposal.decline_reason = reason
    proposal.decided_at = now
    _tell_partner(messages.proposal_declined, proposal)
    record_action(
        AuditAction.PROPOSAL_DECLINED, actor=actor, target=proposal, summary=reason, now=now
    )


def week_containing(moment: datetime) -> Edition | None:
    """The week whose dates include this moment's UK day, if any (reviewers are warned if not)."""
    day = to_uk(moment).date()
    return db.session.scalar(
        sa.select(Edition).where(Edition.starts_on <= day, Edition.ends_on >= day).limit(1)
    )


def _edition_for(moment: datetime, *, now: datetime) -> Edition:
    edition = week_containing(moment)
    if edition is None:
        edition = current_edition(today=now.date())
    if edition is None:
        raise NotAllowed(_("There is no week to add this session to yet. Add the week first."))
    return edition


def safeguarding_refusal(proposal: Proposal) -> str | None:
    """Why this proposal can never be approved as it stands, or None."""
    if proposal.under_18s_allowed and proposal.staff_dbs_checked is not True:
        return _(
            "This session is open to people aged %(ages)s, and not all staff are "
            "DBS-checked. It cannot be approved like this: ask the partner to make it 18 and "
            "over, or to have every member of staff DBS-checked.",
            ages=proposal.age_rule,
        )
    return None


def safeguarding_concerns(proposal: Proposal) -> list[str]:
    """The "No" answers a reviewer must explain before approving, in plain words."""
    concerns = []
    if proposal.staff_dbs_checked is False:
        concerns.append(_("Not all staff at the session are DBS-checked."))
    if proposal.staff_dbs_checked is None:
        concerns.append(_("The partner has not said whether staff are DBS-checked."))
    return concerns


def approve_proposal(
    proposal: Proposal, *, actor: User, now: datetime, safeguarding_note: str = ""
) -> Event:
    """Publish a proposal as an event hosted by the partner.

    Safeguarding is enforced here, not just shown: a session open to under-18s without
    DBS-checked staff is refused, and any other "No" needs the reviewer's written reason,
    which is kept with the proposal and in the audit log.
    """
    _check_organiser(actor)
    if refusal := safeguarding_refusal(proposal):
        raise NotAllowed(refusal)
    safeguarding_note = " ".join(safeguarding_note.split())
    concerns = safeguarding_concerns(proposal)
    if concerns and not safeguarding_note:
        raise InvalidInput(
            _(
                "%(concern)s Write why this session is still safe to go ahead before approving it.",
                concern=concerns[0],
            )
        )
    _move(proposal, (ProposalState.SUBMITTED,), ProposalState.APPROVED)
    # Through the same doors as an organiser's own event, so every create and publish rule
    # holds for it too.
    details = {field: getattr(proposal, field) for field in DETAIL_FIELDS}
    event = create_event(
        details
        | {
            "edition_id": _edition_for(proposal.starts_at, now=now).id,
            "host_id": proposal.organisation_id,
        },
        actor=actor,
        now=now,
    )
    publish_event(event, actor=actor, now=now)
    proposal.event = event
    proposal.event_id = event.id
    proposal.decided_at = now
    proposal.reviewer_comments = None
    proposal.safeguarding_note = safeguarding_note or None
    _tell_partner(messages.proposal_approved, proposal)
    summary = f"{proposal.title} published as /events/{event.slug}"
    if concerns:
        summary += f". Safeguarding: {' '.join(concerns)} Reviewer's reason: {safeguarding_note}"
    record_action(
        AuditAction.PROPOSAL_APPROVED, actor=actor, target=proposal, summary=summary, now=now
    )
    return event
