"""An organiser corrects a typo in someone's first name or email address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nclw.accounts.models import User
from nclw.addresses import normalise_email, why_we_cannot_email
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail.outbox import queue_email, readdress_unsent
from nclw.registrations import messages
from nclw.registrations.models import Registration
from nclw.registrations.queries import find_live_registration

# Unsent emails to the old address that the new address's ticket email says again: dropped
# rather than sent on, so the person does not get their ticket twice.
SAID_AGAIN_BY_THE_NEW_TICKET = frozenset(
    {"ticket_confirmed", "waiting_list", "promoted", "ticket_resent"}
)


@dataclass(frozen=True)
class Correction:
    """What a correction changed."""

    name_changed: bool
    # Only a different mailbox counts: "Sam@x.org" to "sam@x.org" is the same address.
    address_changed: bool


def _longest(column: str) -> int:
    # The column decides how long a value may be; the forms say the same to people.
    return Registration.__table__.c[column].type.length


def why_not_correctable(registration: Registration) -> str | None:
    """Why this ticket's name and address cannot be corrected, or None when they can."""
    if registration.anonymised_at is not None:
        return _("This person deleted their details, so there is nothing to correct.")
    if registration.is_cancelled:
        # Nothing more is sent about a cancelled ticket, so a new address would never be used.
        return _("This ticket is cancelled, so its details cannot be changed.")
    return None


def _check(registration: Registration, first_name: str, email: str) -> None:
    if refusal := why_not_correctable(registration):
        raise NotAllowed(refusal)
    if not first_name:
        raise InvalidInput(_("Enter their first name."))
    if not email:
        raise InvalidInput(_("Enter their email address."))
    if len(first_name) > _longest("first_name"):
        raise InvalidInput(
            _("First name must be %(most)s characters or fewer.", most=_longest("first_name"))
        )
    if len(email) > _longest("email"):
        raise InvalidInput(
            _("Email address must be %(most)s characters or fewer.", most=_longest("email"))
        )
    if refusal := why_we_cannot_email(email):
        raise InvalidInput(refusal)


def _refuse_if_taken(registration: Registration, email: str) -> None:
    """The sign-up rule: one live ticket per address per event (the unique index backs it)."""
    holder = find_live_registration(registration.event, email)
    if holder is not None and holder.id != registration.id:
        raise NotAllowed(
            _(
                "%(email)s already has a ticket or a waiting-list place for this event "
                "(%(reference)s). If it is the same person, cancel one of them first.",
                email=email,
                reference=holder.reference,
            )
        )


def correct_details(
    registration: Registration, *, first_name: str, email: str, actor: User, now: datetime
) -> Correction:
    """Put right a typo in the first name or the email address of a live ticket.

    A new address is told the ticket (with its calendar invite), the old one only that the
    ticket moved, to a masked address. Emails not yet sent to the old address go to the new
    one. Links already sent keep working. Refuses an address that already holds a place at
    the same event, as signing up does.
    """
    first_name, email = first_name.strip(), email.strip()
    _check(registration, first_name, email)
    old_address = registration.email
    correction = Correction(
        name_changed=first_name != registration.first_name,
        address_changed=normalise_email(email) != registration.email_normalised,
    )
    if not correction.name_changed and email == old_address:
        raise InvalidInput(_("Nothing has changed. Correct the name or the email address."))
    if correction.address_changed:
        _refuse_if_taken(registration, email)
    registration.first_name = first_name
    registration.email = email
    registration.email_normalised = normalise_email(email)
    registration.updated_at = now
    if correction.address_changed:
        # The new address's invite updates any the old one added to a calendar.
        registration.calendar_sequence += 1
        _save_new_address(registration, email)
        _tell_both_addresses(registration, old_address)
    record_action(
        AuditAction.REGISTRATION_DETAILS_CORRECTED,
        actor=actor,
        target=registration,
        # Which details, never what they say: the log outlives them.
        summary=_what_changed(correction, email != old_address),
        now=now,
    )
    return correction


def _save_new_address(registration: Registration, email: str) -> None:
    # Someone may have signed up with this address since the check: the unique index decides.
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise NotAllowed(
            _(
                "%(email)s has just been used to sign up for this event. "
                "If it is the same person, cancel one of the tickets first.",
                email=email,
            )
        ) from None


def _tell_both_addresses(registration: Registration, old_address: str) -> None:
    readdress_unsent(
        registration.id,
        old_address=old_address,
        new_address=registration.email,
        superseded=SAID_AGAIN_BY_THE_NEW_TICKET,
    )
    for email in (
        messages.address_changed_old(registration, old_address=old_address),
        messages.address_changed_new(registration),
    ):
        queue_email(email, registration_id=registration.id, event_id=registration.event_id)


def _what_changed(correction: Correction, email_written_differently: bool) -> str:
    changed = []
    if correction.name_changed:
        changed.append("first name")
    if correction.address_changed:
        changed.append("email address (both addresses told)")
    elif email_written_differently:
        changed.append("how the email address is written")
    return "Corrected " + " and ".join(changed)
