"""What a person gives us when they sign up, and which details each event insists on."""

from __future__ import annotations

from dataclasses import dataclass

from nclw.addresses import why_we_cannot_email
from nclw.errors import InvalidInput
from nclw.events.models import Audience, Event


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
    # The time slot chosen (registrations.slots), on an event split into slots.
    slot_id: int | None = None


def check_details(event: Event, details: SignUpDetails) -> None:
    """Refuse details the event's audience needs but the person did not give, and an address
    our mail server cannot deliver to."""
    if refusal := why_we_cannot_email(details.email):
        raise InvalidInput(refusal)
    if event.audience == Audience.CARE_EXPERIENCED and not details.declared_care_experienced:
        raise InvalidInput(
            "This event is only for young people in care and care leavers. "
            "Please confirm that you are care experienced."
        )
    if event.age_question is not None and details.age_confirmed is not True:
        if details.age_confirmed is None:
            raise InvalidInput("Answer the question about your age.")
        raise InvalidInput(
            f"This event is for people aged {event.age_rule}, so we cannot give you a place "
            "at it. Other events in the week may suit you."
        )
    if event.audience == Audience.PROFESSIONALS and not (
        details.organisation_name and details.job_role
    ):
        raise InvalidInput("Please tell us your organisation and your role.")
