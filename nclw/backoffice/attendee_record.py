"""One person's ticket as its page shows it: their details, every email, and its history.

Only words come out of here; the page loops over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.audit.models import AuditEntry
from nclw.backoffice.audit_lines import AuditLine, audit_lines
from nclw.events.models import Audience
from nclw.extensions import db
from nclw.mail import status as mail_status
from nclw.mail.ical import DISCREET_SENDER
from nclw.registrations.corrections import why_not_correctable
from nclw.registrations.models import Registration
from nclw.registrations.queries import waiting_list_position
from nclw.registrations.supporters import supporter_words
from nclw.timezones import format_stamp

# Far more than one ticket ever gathers; a bound all the same.
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class EmailLine:
    """One email about the ticket: never its words, which may have gone to another address."""

    queued_at: datetime
    to_address: str
    subject: str
    state: str
    problem: str


@dataclass(frozen=True)
class AttendeeRecord:
    registration: Registration
    details_deleted: bool
    # Why the name and address cannot be corrected; empty when they can.
    cannot_correct: str
    details: list[Detail]
    access: list[Detail]
    emails: list[EmailLine]
    history: list[AuditLine]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _status(registration: Registration) -> str:
    position = waiting_list_position(registration)
    return (
        _("%(status)s (number %(position)s)", status=registration.status_words, position=position)
        if position
        else (registration.status_words)
    )


def _checked_in(registration: Registration) -> str:
    if registration.checked_in_at is not None:
        return format_stamp(registration.checked_in_at)
    return _("No, marked as a no-show") if registration.no_show else _("Not yet")


def _personal_details(registration: Registration) -> list[Detail]:
    event = registration.event
    details = [
        Detail(_("First name"), registration.first_name),
        Detail(_("Email address"), registration.email),
        Detail(_("Reference"), registration.reference),
        Detail(_("Event"), event.title),
        Detail(_("Status"), _status(registration)),
        Detail(_("Signed up"), format_stamp(registration.created_at)),
        Detail(_("Checked in"), _checked_in(registration)),
        Detail(
            _("Share their name and email with %(host)s", host=event.host.name),
            _yes_no(registration.share_with_host),
        ),
        Detail(_("Email them about future events"), _yes_no(registration.consent_future_events)),
        Detail(
            _("Discreet emails and calendar"),
            _("Yes: emails come from “%(sender)s” with a plain subject", sender=DISCREET_SENDER)
            if registration.discreet
            else _("No"),
        ),
    ]
    if event.age_question:
        details.append(
            Detail(
                _("Age"),
                _(
                    "Sign-up asks “%(question)s”. Only people who answer yes get a place; "
                    "the answer is not kept.",
                    question=event.age_question,
                ),
            )
        )
    if event.audience == Audience.CARE_EXPERIENCED:
        details.append(
            Detail(_("Care experienced"), _yes_no(registration.declared_care_experienced))
        )
    if registration.booking:
        booking = registration.booking
        details.append(
            Detail(
                _("Booked by"),
                _(
                    "%(name)s, %(organisation)s (%(role)s)",
                    name=booking.name,
                    organisation=booking.organisation,
                    role=booking.role,
                ),
            )
        )
    if registration.organisation_name or registration.job_role:
        details.append(Detail(_("Organisation"), registration.organisation_name or ""))
        details.append(Detail(_("Role"), registration.job_role or ""))
    if registration.supporter is not None:
        details.append(Detail(_("Supporter"), supporter_words(registration.supporter)))
    return details


def _access(registration: Registration) -> list[Detail]:
    ticked = [feature.label for feature in registration.access_request_list]
    return [
        Detail(_("Needs they ticked"), "; ".join(ticked) if ticked else _("None")),
        Detail(_("Anything else, in their words"), registration.access_needs or _("Nothing")),
    ]


def _emails(registration: Registration) -> list[EmailLine]:
    return [
        EmailLine(
            queued_at=message.created_at,
            to_address=message.to_address,
            subject=message.subject or _("Written when it is sent"),
            state=mail_status.state_words(message),
            problem=message.last_error or "",
        )
        for message in mail_status.messages_about(registration.id)
    ]


def _history(registration: Registration) -> list[AuditLine]:
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.target_type == Registration.__name__,
            AuditEntry.target_id == registration.id,
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return audit_lines(entries)


def attendee_record(registration: Registration) -> AttendeeRecord:
    """Everything the ticket's page shows; once the details are deleted, nothing personal."""
    if registration.anonymised_at is not None:
        details = [
            Detail(_("Reference"), registration.reference),
            Detail(_("Event"), registration.event.title),
            Detail(_("Status"), registration.status_words),
            Detail(_("Details deleted"), format_stamp(registration.anonymised_at)),
        ]
        if registration.supporter is not None:
            details.append(Detail(_("Supporter"), supporter_words(registration.supporter)))
        return AttendeeRecord(
            registration,
            True,
            why_not_correctable(registration) or "",
            details,
            [],
            [],
            _history(registration),
        )
    return AttendeeRecord(
        registration,
        False,
        why_not_correctable(registration) or "",
        _personal_details(registration),
        _access(registration),
        _emails(registration),
        _history(registration),
    )
