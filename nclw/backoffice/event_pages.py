"""The pages an organiser can open from an event, and which of them a cancelled event keeps.

A cancelled event has nobody coming: checking people in, the door desk, messaging them and
moving them (a place from the waiting list, another time slot) make no sense any more, and an
email to people already told "it is cancelled" would confuse them. What happened stays readable:
the attendee list, the messages sent, the report, feedback and questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from nclw.errors import NotAllowed
from nclw.events.models import Event


@dataclass(frozen=True)
class EventPage:
    """A link on the event's page: the endpoint (given `event_id`) and its words."""

    endpoint: str
    label: str  # lazy: translated when the page shows it
    # Whether the page is about the people coming, so a cancelled event no longer offers it.
    for_people_coming: bool = False


EVENT_PAGES = (
    EventPage("backoffice.attendees", _l("Attendees")),
    EventPage("backoffice.event_slots", _l("Time slots"), for_people_coming=True),
    EventPage("backoffice.check_in_desk", _l("Check people in"), for_people_coming=True),
    EventPage("backoffice.message_attendees", _l("Message attendees"), for_people_coming=True),
    EventPage("backoffice.event_messages", _l("Messages sent and waiting")),
    EventPage("backoffice.sign_up_questions", _l("Questions asked at sign-up")),
    EventPage("backoffice.export", _l("Export the attendee list")),
    EventPage("backoffice.event_report", _l("Report: sign-ups, check-ins and no-shows")),
    EventPage("feedback.event_feedback", _l("Feedback")),
    EventPage("questions.queue", _l("Questions for the Q&A")),
)


def event_pages(event: Event) -> list[EventPage]:
    """The pages the event's page links to, in order, for the event as it is now."""
    pages = []
    for page in EVENT_PAGES:
        if page.for_people_coming and event.is_cancelled:
            continue
        if page.endpoint == "questions.queue" and not event.qa_enabled:
            continue
        pages.append(page)
    return pages


def offers_people_actions(event: Event) -> bool:
    """Whether the event's pages offer check-in, messages, door staff and moving people."""
    return not event.is_cancelled


def refuse_if_cancelled(event: Event, refusal: str) -> None:
    """Refuse (409, with the reason) a page or action for people coming to a cancelled event.

    `refusal` is the whole sentence, translated, e.g. "This event is cancelled, so you cannot
    check people in." (one sentence, so a translator can order its words).
    """
    if event.is_cancelled:
        raise NotAllowed(refusal)
