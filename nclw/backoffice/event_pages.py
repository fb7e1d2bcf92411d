"""The pages an organiser can open from an event, and which of them a cancelled event keeps.

A cancelled event has nobody coming: checking people in, the door desk, messaging them and
moving them (a place from the waiting list, another time slot) make no sense any more, and an
email to people already told "it is cancelled" would confuse them. What happened stays readable:
the attendee list, the messages sent, the report, feedback and questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from nclw.errors import NotAllowed
from nclw.events.models import Event


@dataclass(frozen=True)
class EventPage:
    """A link on the event's page: the endpoint (given `event_id`) and its words."""

    endpoint: str
    label: str
    # Whether the page is about the people coming, so a cancelled event no longer offers it.
    for_people_coming: bool = False


EVENT_PAGES = (
    EventPage("backoffice.attendees", "Attendees"),
    EventPage("backoffice.event_slots", "Time slots", for_people_coming=True),
    EventPage("backoffice.check_in_desk", "Check people in", for_people_coming=True),
    EventPage("backoffice.message_attendees", "Message attendees", for_people_coming=True),
    EventPage("backoffice.event_messages", "Messages sent and waiting"),
    EventPage("backoffice.sign_up_questions", "Questions asked at sign-up"),
    EventPage("backoffice.export", "Export the attendee list"),
    EventPage("backoffice.event_report", "Report: sign-ups, check-ins and no-shows"),
    EventPage("feedback.event_feedback", "Feedback"),
    EventPage("questions.queue", "Questions for the Q&A"),
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


def refuse_if_cancelled(event: Event, what: str) -> None:
    """Refuse (409, with the reason) a page or action for people coming to a cancelled event.

    `what` finishes the sentence "…so you cannot …", e.g. "check people in".
    """
    if event.is_cancelled:
        raise NotAllowed(f"This event is cancelled, so you cannot {what}.")
