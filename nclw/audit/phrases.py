"""How each action of the audit log reads: its kind, its label for the filter, its sentence.

Kept apart from `wording`, which puts the sentences together, so each file stays short.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from nclw.audit.actions import AuditAction as A
from nclw.audit.kinds import (
    EMAIL,
    EVENTS,
    EXPORTS,
    ORGANISATIONS,
    PEOPLE,
    PROPOSALS,
    QUESTIONS,
    TICKETS,
    WEEKS,
    Kind,
    Wording,
)

# Who a change made from a ticket's own page reads as: nobody signs in to make it.
HOLDER = _l("The ticket holder")

# Each kind's actions: (label, sentence), and who it reads as when nobody signed in did it
# where that is someone rather than the system.
# Translators: keep {actor} and {target} as they are; they may move within the sentence.
_TICKETS = {
    A.REGISTRATION_PROMOTED: (
        _l("Moved off the waiting list"),
        _l("{actor} moved {target} off the waiting list"),
    ),
    A.REGISTRATION_CANCELLED: (_l("Ticket cancelled"), _l("{actor} cancelled {target}")),
    A.BOOKING_MADE: (
        _l("Places booked for young people"),
        _l("{actor} booked places for young people at {target}"),
        _l("A professional"),
    ),
    A.BOOKED_TICKET_CANCELLED: (
        _l("Booked ticket cancelled"),
        _l("{actor} cancelled {target}"),
        _l("The professional who booked it"),
    ),
    A.SUPPORTER_ADDED: (_l("Supporter added"), _l("{actor} added a supporter to {target}"), HOLDER),
    A.SUPPORTER_REMOVED: (
        _l("Supporter removed"),
        _l("{actor} took the supporter off {target}, giving back their place"),
        HOLDER,
    ),
    A.SUPPORTER_RELEASED: (
        _l("Supporter's place given back"),
        _l("{actor} gave back the supporter's place with {target}"),
    ),
    A.OFFER_MADE: (
        _l("Place offered"),
        _l("{actor} offered a place from the waiting list to {target}"),
    ),
    A.OFFER_CLAIMED: (
        _l("Offer claimed"),
        _l("{actor} claimed the place offered to {target}"),
        HOLDER,
    ),
    A.OFFER_DECLINED: (
        _l("Offer turned down"),
        _l("{actor} said no thanks to the place offered to {target}"),
        HOLDER,
    ),
    A.OFFER_EXPIRED: (
        _l("Offer ran out"),
        _l("{actor} passed on the place offered to {target}: it ran out"),
    ),
    A.REGISTRATION_CHECKED_IN: (_l("Checked in"), _l("{actor} checked in {target}")),
    A.REGISTRATION_CHECK_IN_UNDONE: (
        _l("Check-in undone"),
        _l("{actor} took back the check-in of {target}"),
    ),
    A.REGISTRATION_MARKED_NO_SHOW: (
        _l("Marked as a no-show"),
        _l("{actor} marked {target} as a no-show"),
    ),
    A.REGISTRATION_NO_SHOW_UNDONE: (
        _l("No-show taken back"),
        _l("{actor} took back the no-show on {target}"),
    ),
    A.REGISTRATION_DETAILS_CORRECTED: (
        _l("Name or email corrected"),
        _l("{actor} corrected the details on {target}"),
    ),
    A.REGISTRATION_DETAILS_DELETED: (
        _l("Details deleted by the ticket holder"),
        _l("{actor} deleted their details from {target}"),
        HOLDER,
    ),
    A.REGISTRATION_LANGUAGE_CHANGED: (
        _l("Email language changed by the ticket holder"),
        _l("{actor} changed the language of the emails about {target}"),
        HOLDER,
    ),
    A.REGISTRATIONS_PURGED: (
        _l("Old tickets' details removed"),
        _l("{actor} removed people's details from the tickets of events that have ended"),
    ),
}
_EVENTS = {
    A.EVENT_CREATED: (_l("Event created"), _l("{actor} created {target}")),
    A.EVENT_UPDATED: (_l("Event changed"), _l("{actor} changed the details of {target}")),
    A.EVENT_PUBLISHED: (_l("Event published"), _l("{actor} published {target}")),
    A.EVENT_UNPUBLISHED: (
        _l("Event taken off the site"),
        _l("{actor} took {target} off the site, back to a draft"),
    ),
    A.EVENT_DUPLICATED: (_l("Event copied"), _l("{actor} copied an event to make {target}")),
    A.EVENT_CANCELLED: (_l("Event cancelled"), _l("{actor} cancelled {target}")),
    A.EVENT_DOOR_STAFF_ASSIGNED: (
        _l("Door staff given an event"),
        _l("{actor} let door staff check people in at {target}"),
    ),
    A.EVENT_DOOR_STAFF_UNASSIGNED: (
        _l("Door staff's event taken away"),
        _l("{actor} took {target} away from door staff"),
    ),
    A.EVENT_WAITING_LISTS_CHANGED: (
        _l("Waiting lists changed"),
        _l("{actor} changed how {target} keeps its waiting list for full times"),
    ),
    A.EVENT_SURVEY_QUESTIONS_CHANGED: (
        _l("Feedback questions changed"),
        _l("{actor} chose the feedback survey's questions for {target}"),
    ),
}
_EMAIL = {
    A.EVENT_MESSAGED: (
        _l("Message to attendees"),
        _l("{actor} emailed the people signed up for {target}"),
    ),
    A.EVENT_MESSAGE_SCHEDULED: (
        _l("Message set to go later"),
        _l("{actor} set a message to the people signed up for {target} to go later"),
    ),
    A.EVENT_MESSAGE_EDITED: (
        _l("Waiting message changed"),
        _l("{actor} changed a waiting message for {target}"),
    ),
    A.EVENT_MESSAGE_CANCELLED: (
        _l("Waiting message cancelled"),
        _l("{actor} cancelled a waiting message for {target}"),
    ),
    A.EVENT_MESSAGE_SENT: (
        _l("Waiting message sent"),
        _l("{actor} sent a waiting message to the people signed up for {target}"),
    ),
    A.MAIL_RETRIED: (_l("Failed email sent again"), _l("{actor} queued {target} to be sent again")),
    A.MESSAGE_TEMPLATE_SAVED: (
        _l("Message template saved"),
        _l("{actor} saved a message template"),
    ),
    A.MESSAGE_TEMPLATE_CHANGED: (
        _l("Message template changed"),
        _l("{actor} changed a message template"),
    ),
    A.MESSAGE_TEMPLATE_DELETED: (
        _l("Message template deleted"),
        _l("{actor} deleted a message template"),
    ),
}
_QUESTIONS = {
    A.EVENT_QA_SETTINGS_CHANGED: (
        _l("Q&A settings changed"),
        _l("{actor} changed the Q&A settings of {target}"),
    ),
    A.QUESTION_APPROVED: (_l("Question approved"), _l("{actor} approved {target}")),
    A.QUESTION_REJECTED: (_l("Question not used"), _l("{actor} decided not to use {target}")),
    A.QUESTION_EDITED: (_l("Question edited"), _l("{actor} edited {target}")),
    A.QUESTION_ANSWERED: (_l("Question answered"), _l("{actor} marked {target} as answered")),
    A.QUESTION_PINNED: (_l("Question put on screen"), _l("{actor} chose {target} to answer now")),
    A.QUESTION_UNPINNED: (
        _l("Question taken off screen"),
        _l("{actor} took {target} off the screen"),
    ),
}
_EXPORTS = {
    A.EVENT_QUESTIONS_EXPORTED: (
        _l("Questions downloaded"),
        _l("{actor} downloaded the questions asked at {target}"),
    ),
    A.EXPORT_DOWNLOADED: (
        _l("Attendee list downloaded"),
        _l("{actor} downloaded the attendee list of {target}"),
    ),
}
_WEEKS = {
    A.WEEK_CREATED: (_l("Week set up"), _l("{actor} set up {target}")),
    A.WEEK_EDITED: (_l("Week changed"), _l("{actor} changed the details of {target}")),
    A.WEEK_COPIED: (
        _l("Week copied from an earlier one"),
        _l("{actor} copied an earlier week to set up {target}"),
    ),
}
_ORGANISATIONS = {
    A.ORGANISATION_CREATED: (
        _l("Organisation added"),
        _l("{actor} added the organisation {target}"),
    ),
    A.ORGANISATION_RENAMED: (
        _l("Organisation renamed"),
        _l("{actor} renamed the organisation now called {target}"),
    ),
    A.ORGANISATION_MERGED: (
        _l("Organisations merged"),
        _l("{actor} merged an organisation entered twice into {target}"),
    ),
}
_PROPOSALS = {
    A.PROPOSAL_CREATED: (_l("Proposal started"), _l("{actor} started {target}")),
    A.PROPOSAL_EDITED: (_l("Proposal edited"), _l("{actor} edited {target}")),
    A.PROPOSAL_SUBMITTED: (_l("Proposal sent for review"), _l("{actor} sent {target} for review")),
    A.PROPOSAL_CHANGES_REQUESTED: (
        _l("Changes asked for"),
        _l("{actor} asked for changes to {target}"),
    ),
    A.PROPOSAL_DECLINED: (_l("Proposal declined"), _l("{actor} declined {target}")),
    A.PROPOSAL_APPROVED: (
        _l("Proposal approved"),
        _l("{actor} approved {target} and published it as an event"),
    ),
    A.SESSION_CHANGE_REQUESTED: (
        _l("Change to a session asked for"),
        _l("{actor} asked to change {target}"),
    ),
    A.SESSION_CHANGE_WITHDRAWN: (
        _l("Change to a session withdrawn"),
        _l("{actor} withdrew their change to {target}"),
    ),
    A.SESSION_CHANGE_APPROVED: (
        _l("Change to a session approved"),
        _l("{actor} approved the partner's change to {target}"),
    ),
    A.SESSION_CHANGE_DECLINED: (
        _l("Change to a session declined"),
        _l("{actor} declined the partner's change to {target}"),
    ),
}
_PEOPLE = {
    A.USER_INVITED: (_l("Invitation sent"), _l("{actor} invited {target} to set up an account")),
    A.INVITATION_WITHDRAWN: (
        _l("Invitation withdrawn"),
        _l("{actor} withdrew the invitation sent to {target}"),
    ),
    A.USER_CREATED: (_l("Account created"), _l("{actor} created an account for {target}")),
    A.USER_ROLE_CHANGED: (_l("Role changed"), _l("{actor} changed the role of {target}")),
    A.USER_ACTIVATED: (_l("Allowed to sign in"), _l("{actor} let {target} sign in again")),
    A.USER_DEACTIVATED: (_l("Stopped from signing in"), _l("{actor} stopped {target} signing in")),
    A.USER_RENAMED: (_l("Name changed"), _l("{actor} changed their name")),
    A.USER_PASSWORD_CHANGED: (_l("Password changed"), _l("{actor} changed their password")),
    A.USER_PASSWORD_RESET: (
        _l("Password reset"),
        _l("{actor} set a new password from an emailed link"),
    ),
    A.USER_SIGNED_OUT_EVERYWHERE: (
        _l("Signed out everywhere"),
        _l("{actor} signed out on every device"),
    ),
    A.USER_TWO_STEP_TURNED_ON: (
        _l("Two-step sign-in turned on"),
        _l("{actor} turned on two-step sign-in"),
    ),
    A.USER_TWO_STEP_TURNED_OFF: (
        _l("Two-step sign-in turned off"),
        _l("{actor} turned off two-step sign-in for {target}"),
    ),
    A.USER_RECOVERY_CODES_RENEWED: (
        _l("New recovery codes made"),
        _l("{actor} made a new set of recovery codes"),
    ),
    A.USER_RECOVERY_CODE_USED: (
        _l("Recovery code used"),
        _l("{actor} signed in with a recovery code"),
    ),
}


def _of_kind(kind: Kind, phrases: dict[A, tuple[str, ...]]) -> dict[A, Wording]:
    """The wording of each action of one kind."""
    return {action: Wording(kind, *words) for action, words in phrases.items()}


WORDING: dict[A, Wording] = {
    **_of_kind(TICKETS, _TICKETS),
    **_of_kind(EVENTS, _EVENTS),
    **_of_kind(EMAIL, _EMAIL),
    **_of_kind(QUESTIONS, _QUESTIONS),
    **_of_kind(EXPORTS, _EXPORTS),
    **_of_kind(WEEKS, _WEEKS),
    **_of_kind(ORGANISATIONS, _ORGANISATIONS),
    **_of_kind(PROPOSALS, _PROPOSALS),
    **_of_kind(PEOPLE, _PEOPLE),
}
