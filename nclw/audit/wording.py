"""The audit log in plain words: each action as a sentence, and what it was done to.

The sentence is put together when the log is read, from the rows as they are then, never
stored: once a young person's details are deleted, their name is gone from the log too.
Everything here is pure; the back office loads the rows and passes their words in.
"""

from __future__ import annotations

from nclw.audit.actions import AuditAction as A
from nclw.audit.kinds import (
    EMAIL,
    EVENTS,
    EXPORTS,
    KINDS,
    ORGANISATIONS,
    PEOPLE,
    PROPOSALS,
    QUESTIONS,
    SYSTEM,
    TICKETS,
    WEEKS,
    Kind,
    Wording,
)

WORDING: dict[A, Wording] = {
    A.REGISTRATION_PROMOTED: Wording(
        TICKETS, "Moved off the waiting list", "{actor} moved {target} off the waiting list"
    ),
    A.REGISTRATION_CANCELLED: Wording(TICKETS, "Ticket cancelled", "{actor} cancelled {target}"),
    A.BOOKING_MADE: Wording(
        TICKETS,
        "Places booked for young people",
        "{actor} booked places for young people at {target}",
        nobody="A professional",
    ),
    A.BOOKED_TICKET_CANCELLED: Wording(
        TICKETS,
        "Booked ticket cancelled",
        "{actor} cancelled {target}",
        nobody="The professional who booked it",
    ),
    A.SUPPORTER_ADDED: Wording(
        TICKETS,
        "Supporter added",
        "{actor} added a supporter to {target}",
        nobody="The ticket holder",
    ),
    A.SUPPORTER_REMOVED: Wording(
        TICKETS,
        "Supporter removed",
        "{actor} took the supporter off {target}, giving back their place",
        nobody="The ticket holder",
    ),
    A.SUPPORTER_RELEASED: Wording(
        TICKETS,
        "Supporter's place given back",
        "{actor} gave back the supporter's place with {target}",
    ),
    A.OFFER_MADE: Wording(
        TICKETS, "Place offered", "{actor} offered a place from the waiting list to {target}"
    ),
    A.OFFER_CLAIMED: Wording(
        TICKETS,
        "Offer claimed",
        "{actor} claimed the place offered to {target}",
        nobody="The ticket holder",
    ),
    A.OFFER_DECLINED: Wording(
        TICKETS,
        "Offer turned down",
        "{actor} said no thanks to the place offered to {target}",
        nobody="The ticket holder",
    ),
    A.OFFER_EXPIRED: Wording(
        TICKETS, "Offer ran out", "{actor} passed on the place offered to {target}: it ran out"
    ),
    A.REGISTRATION_CHECKED_IN: Wording(TICKETS, "Checked in", "{actor} checked in {target}"),
    A.REGISTRATION_CHECK_IN_UNDONE: Wording(
        TICKETS, "Check-in undone", "{actor} took back the check-in of {target}"
    ),
    A.REGISTRATION_MARKED_NO_SHOW: Wording(
        TICKETS, "Marked as a no-show", "{actor} marked {target} as a no-show"
    ),
    A.REGISTRATION_NO_SHOW_UNDONE: Wording(
        TICKETS, "No-show taken back", "{actor} took back the no-show on {target}"
    ),
    A.REGISTRATION_DETAILS_CORRECTED: Wording(
        TICKETS, "Name or email corrected", "{actor} corrected the details on {target}"
    ),
    A.REGISTRATION_DETAILS_DELETED: Wording(
        TICKETS,
        "Details deleted by the ticket holder",
        "{actor} deleted their details from {target}",
        nobody="The ticket holder",
    ),
    A.REGISTRATION_LANGUAGE_CHANGED: Wording(
        TICKETS,
        "Email language changed by the ticket holder",
        "{actor} changed the language of the emails about {target}",
        nobody="The ticket holder",
    ),
    A.REGISTRATIONS_PURGED: Wording(
        TICKETS,
        "Old tickets' details removed",
        "{actor} removed people's details from the tickets of events that have ended",
    ),
    A.EVENT_CREATED: Wording(EVENTS, "Event created", "{actor} created {target}"),
    A.EVENT_UPDATED: Wording(EVENTS, "Event changed", "{actor} changed the details of {target}"),
    A.EVENT_PUBLISHED: Wording(EVENTS, "Event published", "{actor} published {target}"),
    A.EVENT_UNPUBLISHED: Wording(
        EVENTS, "Event taken off the site", "{actor} took {target} off the site, back to a draft"
    ),
    A.EVENT_DUPLICATED: Wording(EVENTS, "Event copied", "{actor} copied an event to make {target}"),
    A.EVENT_CANCELLED: Wording(EVENTS, "Event cancelled", "{actor} cancelled {target}"),
    A.EVENT_DOOR_STAFF_ASSIGNED: Wording(
        EVENTS, "Door staff given an event", "{actor} let door staff check people in at {target}"
    ),
    A.EVENT_DOOR_STAFF_UNASSIGNED: Wording(
        EVENTS,
        "Door staff's event taken away",
        "{actor} took {target} away from door staff",
    ),
    A.EVENT_MESSAGED: Wording(
        EMAIL, "Message to attendees", "{actor} emailed the people signed up for {target}"
    ),
    A.EVENT_MESSAGE_SCHEDULED: Wording(
        EMAIL,
        "Message set to go later",
        "{actor} set a message to the people signed up for {target} to go later",
    ),
    A.EVENT_MESSAGE_EDITED: Wording(
        EMAIL, "Waiting message changed", "{actor} changed a waiting message for {target}"
    ),
    A.EVENT_MESSAGE_CANCELLED: Wording(
        EMAIL, "Waiting message cancelled", "{actor} cancelled a waiting message for {target}"
    ),
    A.EVENT_MESSAGE_SENT: Wording(
        EMAIL,
        "Waiting message sent",
        "{actor} sent a waiting message to the people signed up for {target}",
    ),
    A.EVENT_QA_SETTINGS_CHANGED: Wording(
        QUESTIONS, "Q&A settings changed", "{actor} changed the Q&A settings of {target}"
    ),
    A.EVENT_WAITING_LISTS_CHANGED: Wording(
        EVENTS,
        "Waiting lists changed",
        "{actor} changed how {target} keeps its waiting list for full times",
    ),
    A.EVENT_SURVEY_QUESTIONS_CHANGED: Wording(
        EVENTS,
        "Feedback questions changed",
        "{actor} chose the feedback survey's questions for {target}",
    ),
    A.EVENT_QUESTIONS_EXPORTED: Wording(
        EXPORTS, "Questions downloaded", "{actor} downloaded the questions asked at {target}"
    ),
    A.QUESTION_APPROVED: Wording(QUESTIONS, "Question approved", "{actor} approved {target}"),
    A.QUESTION_REJECTED: Wording(
        QUESTIONS, "Question not used", "{actor} decided not to use {target}"
    ),
    A.QUESTION_EDITED: Wording(QUESTIONS, "Question edited", "{actor} edited {target}"),
    A.QUESTION_ANSWERED: Wording(
        QUESTIONS, "Question answered", "{actor} marked {target} as answered"
    ),
    A.QUESTION_PINNED: Wording(
        QUESTIONS, "Question put on screen", "{actor} chose {target} to answer now"
    ),
    A.QUESTION_UNPINNED: Wording(
        QUESTIONS, "Question taken off screen", "{actor} took {target} off the screen"
    ),
    A.WEEK_CREATED: Wording(WEEKS, "Week set up", "{actor} set up {target}"),
    A.WEEK_EDITED: Wording(WEEKS, "Week changed", "{actor} changed the details of {target}"),
    A.WEEK_COPIED: Wording(
        WEEKS,
        "Week copied from an earlier one",
        "{actor} copied an earlier week to set up {target}",
    ),
    A.ORGANISATION_CREATED: Wording(
        ORGANISATIONS, "Organisation added", "{actor} added the organisation {target}"
    ),
    A.ORGANISATION_RENAMED: Wording(
        ORGANISATIONS,
        "Organisation renamed",
        "{actor} renamed the organisation now called {target}",
    ),
    A.ORGANISATION_MERGED: Wording(
        ORGANISATIONS,
        "Organisations merged",
        "{actor} merged an organisation entered twice into {target}",
    ),
    A.PROPOSAL_CREATED: Wording(PROPOSALS, "Proposal started", "{actor} started {target}"),
    A.PROPOSAL_EDITED: Wording(PROPOSALS, "Proposal edited", "{actor} edited {target}"),
    A.PROPOSAL_SUBMITTED: Wording(
        PROPOSALS, "Proposal sent for review", "{actor} sent {target} for review"
    ),
    A.PROPOSAL_CHANGES_REQUESTED: Wording(
        PROPOSALS, "Changes asked for", "{actor} asked for changes to {target}"
    ),
    A.PROPOSAL_DECLINED: Wording(PROPOSALS, "Proposal declined", "{actor} declined {target}"),
    A.PROPOSAL_APPROVED: Wording(
        PROPOSALS, "Proposal approved", "{actor} approved {target} and published it as an event"
    ),
    A.SESSION_CHANGE_REQUESTED: Wording(
        PROPOSALS, "Change to a session asked for", "{actor} asked to change {target}"
    ),
    A.SESSION_CHANGE_WITHDRAWN: Wording(
        PROPOSALS, "Change to a session withdrawn", "{actor} withdrew their change to {target}"
    ),
    A.SESSION_CHANGE_APPROVED: Wording(
        PROPOSALS,
        "Change to a session approved",
        "{actor} approved the partner's change to {target}",
    ),
    A.SESSION_CHANGE_DECLINED: Wording(
        PROPOSALS,
        "Change to a session declined",
        "{actor} declined the partner's change to {target}",
    ),
    A.USER_INVITED: Wording(
        PEOPLE, "Invitation sent", "{actor} invited {target} to set up an account"
    ),
    A.INVITATION_WITHDRAWN: Wording(
        PEOPLE, "Invitation withdrawn", "{actor} withdrew the invitation sent to {target}"
    ),
    A.USER_CREATED: Wording(PEOPLE, "Account created", "{actor} created an account for {target}"),
    A.USER_ROLE_CHANGED: Wording(PEOPLE, "Role changed", "{actor} changed the role of {target}"),
    A.USER_ACTIVATED: Wording(PEOPLE, "Allowed to sign in", "{actor} let {target} sign in again"),
    A.USER_DEACTIVATED: Wording(
        PEOPLE, "Stopped from signing in", "{actor} stopped {target} signing in"
    ),
    A.USER_RENAMED: Wording(PEOPLE, "Name changed", "{actor} changed their name"),
    A.USER_PASSWORD_CHANGED: Wording(PEOPLE, "Password changed", "{actor} changed their password"),
    A.USER_PASSWORD_RESET: Wording(
        PEOPLE, "Password reset", "{actor} set a new password from an emailed link"
    ),
    A.USER_SIGNED_OUT_EVERYWHERE: Wording(
        PEOPLE, "Signed out everywhere", "{actor} signed out on every device"
    ),
    A.USER_TWO_STEP_TURNED_ON: Wording(
        PEOPLE, "Two-step sign-in turned on", "{actor} turned on two-step sign-in"
    ),
    A.USER_TWO_STEP_TURNED_OFF: Wording(
        PEOPLE, "Two-step sign-in turned off", "{actor} turned off two-step sign-in for {target}"
    ),
    A.USER_RECOVERY_CODES_RENEWED: Wording(
        PEOPLE, "New recovery codes made", "{actor} made a new set of recovery codes"
    ),
    A.USER_RECOVERY_CODE_USED: Wording(
        PEOPLE, "Recovery code used", "{actor} signed in with a recovery code"
    ),
    A.MAIL_RETRIED: Wording(
        EMAIL, "Failed email sent again", "{actor} queued {target} to be sent again"
    ),
    A.MESSAGE_TEMPLATE_SAVED: Wording(
        EMAIL, "Message template saved", "{actor} saved a message template"
    ),
    A.MESSAGE_TEMPLATE_CHANGED: Wording(
        EMAIL, "Message template changed", "{actor} changed a message template"
    ),
    A.MESSAGE_TEMPLATE_DELETED: Wording(
        EMAIL, "Message template deleted", "{actor} deleted a message template"
    ),
    A.EXPORT_DOWNLOADED: Wording(
        EXPORTS, "Attendee list downloaded", "{actor} downloaded the attendee list of {target}"
    ),
}


def wording_of(action: str) -> Wording | None:
    """The wording of a recorded action; None for a name this release does not know."""
    try:
        return WORDING.get(A(action))
    except ValueError:
        return None


def sentence(action: str, *, actor: str | None, target: str | None) -> str:
    """The entry as one sentence: "Sam Patel cancelled Alex's ticket for “Careers fair”."

    `actor` is the person's name (or email), None when nobody signed in did it. An action
    this release does not know (an older name kept in the log) still reads as a sentence.
    """
    wording = wording_of(action)
    if wording is None:
        said = f"{actor or SYSTEM} did something the log calls “{action}”"
        return f"{said}, to {target}." if target else f"{said}."
    said = wording.sentence.format(actor=actor or wording.nobody, target=target or "something")
    return f"{said}."


# --- What an action was done to, in words ------------------------------------------------------


def quoted(title: str) -> str:
    """A title people typed, set apart from the words around it."""
    return f"“{title}”"


def ticket_words(first_name: str | None, event_title: str | None) -> str:
    """Alex's ticket for “Careers fair”; without the name once the details are deleted."""
    if event_title is None:
        return f"{first_name}'s ticket" if first_name else "someone's ticket"
    if first_name:
        return f"{first_name}'s ticket for {quoted(event_title)}"
    return f"a ticket for {quoted(event_title)}"


def event_words(title: str | None) -> str:
    """An event by its title; None once the event is deleted."""
    return quoted(title) if title is not None else "an event that has since been deleted"


def week_words(year: int, theme: str) -> str:
    """The 2031 week, “Care leavers with careers”."""
    return f"the {year} week, {quoted(theme)}"


def person_words(name: str, email: str) -> str:
    """A signed-in person: their name, or their email if they have given no name."""
    return name or email


def proposal_words(title: str, organisation: str) -> str:
    """The proposal “CV clinic” from Catch22."""
    return f"the proposal {quoted(title)} from {organisation}"


def question_words(event_title: str | None) -> str:
    """A question for “Careers fair”."""
    # Never the question's text: it may hold what a moderator took out.
    return f"a question for {quoted(event_title)}" if event_title is not None else "a question"


def invitation_words(email: str) -> str:
    """An invitation by the address it was sent to (kept on the invitation, not in the log)."""
    return email


def email_words(event_title: str | None) -> str:
    """An email about “Careers fair”, or just an email."""
    return f"an email about {quoted(event_title)}" if event_title is not None else "an email"


# What a target reads as once its row is gone (deleted, merged away), by its kind of row.
_GONE = {
    "Edition": "a week that has since been deleted",
    "Organisation": "an organisation since merged or deleted",
    "User": "an account that has since been deleted",
    "Proposal": "a proposal that has since been deleted",
    "AccountToken": "an invitation",
}


def gone_words(target_type: str, event_title: str | None) -> str:
    """A target whose row is no more, said with its event's title where the log kept that."""
    if target_type == "Registration":
        return ticket_words(None, event_title)
    if target_type == "Event":
        return event_words(event_title)
    if target_type == "Question":
        return question_words(event_title)
    if target_type == "OutboxMessage":
        return email_words(event_title)
    return _GONE.get(target_type, "something")


# --- Filtering by kind of action ---------------------------------------------------------------


def actions_of(choice: str) -> list[str]:
    """The action names a filter choice stands for: a kind's key, or one action's name."""
    kind = next((k for k in KINDS if k.key == choice), None)
    if kind is not None:
        return [action.value for action, wording in WORDING.items() if wording.kind == kind]
    return [choice] if wording_of(choice) else []


def kind_choices() -> list[tuple[Kind, list[tuple[str, str]]]]:
    """For the filter: each kind, with "anything about it" first and then its actions."""
    return [
        (
            kind,
            [(kind.key, kind.everything)]
            + [(a.value, w.label) for a, w in WORDING.items() if w.kind == kind],
        )
        for kind in KINDS
    ]
