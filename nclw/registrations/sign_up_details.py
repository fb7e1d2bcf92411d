"""What a person gives us when they sign up, and which details each event insists on."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from nclw.addresses import why_we_cannot_email
from nclw.errors import InvalidInput, required_text
from nclw.events.models import Audience, Event
from nclw.registrations.supporter_models import SupporterRole


@dataclass(frozen=True)
class SupporterDetails:
    """The one supporter a young person brings: a first name and who they are. No email."""

    first_name: str
    role: SupporterRole


@dataclass(frozen=True)
class SignUpDetails:
    """What a person gave us on the sign-up form."""

    first_name: str
    email: str
    access_needs: str | None = None
    declared_care_experienced: bool = False
    organisation_name: str | None = None
    job_role: str | None = None
    consent_future_events: bool = False
    share_with_host: bool = False
    discreet: bool = False
    # The answer to the event's age question (events.details.age_question), when it has one.
    age_confirmed: bool | None = None
    # Needs from the list (events.details.AccessFeature), as its keys.
    access_requests: tuple[str, ...] | list[str] = ()
    # Someone coming with them, where the event allows it (registrations.supporters).
    supporter: SupporterDetails | None = None
    # The time slot chosen (registrations.slots), on an event split into slots.
    slot_id: int | None = None
    # The time chosen is a full one, to wait for (only where each time has its own list).
    wait_for_slot: bool = False
    # Answers to the event's own questions, by question id, as sign_up_answers.check_answers
    # kept them: written with the ticket, in the same transaction, or not at all.
    answers: tuple[tuple[int, str], ...] = ()
    # The language of the form (nclw/i18n.py): the ticket's emails are written in it.
    language: str = "en"


def check_details(event: Event, details: SignUpDetails) -> None:
    """Refuse details the event's audience needs but the person did not give, and an address
    our mail server cannot deliver to."""
    if refusal := why_we_cannot_email(details.email):
        raise InvalidInput(refusal)
    if details.supporter is not None:
        check_supporter(event, details.supporter)
    if event.audience == Audience.CARE_EXPERIENCED and not details.declared_care_experienced:
        raise InvalidInput(
            _(
                "This event is only for young people in care and care leavers. "
                "Please confirm that you are care experienced."
            )
        )
    if event.age_question is not None and details.age_confirmed is not True:
        if details.age_confirmed is None:
            raise InvalidInput(_("Answer the question about your age."))
        raise InvalidInput(
            _(
                "This event is for people aged %(ages)s, so we cannot give you a place "
                "at it. Other events in the week may suit you.",
                ages=event.age_rule,
            )
        )
    if event.audience == Audience.PROFESSIONALS and not (
        details.organisation_name and details.job_role
    ):
        raise InvalidInput(_("Please tell us your organisation and your role."))


def check_supporter(event: Event, supporter: SupporterDetails) -> None:
    """Refuse a supporter the event does not allow, or one without a name or role.

    The event's age and audience rules are the young person's: a supporter is not asked.
    """
    if not event.supporters_allowed:
        raise InvalidInput(_("This event does not take supporters."))
    name = required_text(supporter.first_name, _("Enter your supporter's first name."))
    if len(name) > 80:
        raise InvalidInput(_("Your supporter's first name must be 80 characters or fewer."))
    if not isinstance(supporter.role, SupporterRole):
        raise InvalidInput(_("Choose who your supporter is."))
