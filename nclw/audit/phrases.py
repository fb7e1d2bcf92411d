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
    Wording,
)

# Translators: keep {actor} and {target} as they are; they may move within the sentence.
WORDING: dict[A, Wording] = {
    A.REGISTRATION_PROMOTED: Wording(
        TICKETS, _l("Moved off the waiting list"), _l("{actor} moved {target} off the waiting list")
    ),
    A.REGISTRATION_CANCELLED: Wording(
        TICKETS, _l("Ticket cancelled"), _l("{actor} cancelled {target}")
    ),
    A.BOOKING_MADE: Wording(
        TICKETS,
        _l("Places booked for young people"),
        _l("{actor} booked places for young people at {target}"),
        nobody=_l("A professional"),
    ),
    A.BOOKED_TICKET_CANCELLED: Wording(
        TICKETS,
        _l("Booked ticket cancelled"),
        _l("{actor} cancelled {target}"),
        nobody=_l("The professional who booked it"),
    ),
    A.SUPPORTER_ADDED: Wording(
        TICKETS,
        _l("Supporter added"),
        _l("{actor} added a supporter to {target}"),
        nobody=_l("The ticket holder"),
    ),
    A.SUPPORTER_REMOVED: Wording(
        TICKETS,
        _l("Supporter removed"),
        _l("{actor} took the supporter off {target}, giving back their place"),
        nobody=_l("The ticket holder"),
    ),
    A.SUPPORTER_RELEASED: Wording(
        TICKETS,
        _l("Supporter's place given back"),
        _l("{actor} gave back the supporter's place with {target}"),
    ),
    A.OFFER_MADE: Wording(
        TICKETS,
        _l("Place offered"),
        _l("{actor} offered a place from the waiting list to {target}"),
    ),
    A.OFFER_CLAIMED: Wording(
        TICKETS,
        _l("Offer claimed"),
        _l("{actor} claimed the place offered to {target}"),
        nobody=_l("The ticket holder"),
    ),
    A.OFFER_DECLINED: Wording(
        TICKETS,
        _l("Offer turned down"),
        _l("{actor} said no thanks to the place offered to {target}"),
        nobody=_l("The ticket holder"),
    ),
    A.OFFER_EXPIRED: Wording(
        TICKETS,
        _l("Offer ran out"),
        _l("{actor} passed on the place offered to {target}: it ran out"),
    ),
    A.REGISTRATION_CHECKED_IN: Wording(
        TICKETS, _l("Checked in"), _l("{actor} checked in {target}")
    ),
    A.REGISTRATION_CHECK_IN_UNDONE: Wording(
        TICKETS, _l("Check-in undone"), _l("{actor} took back the check-in of {target}")
    ),
    A.REGISTRATION_MARKED_NO_SHOW: Wording(
        TICKETS, _l("Marked as a no-show"), _l("{actor} marked {target} as a no-show")
    ),
    A.REGISTRATION_NO_SHOW_UNDONE: Wording(
        TICKETS, _l("No-show taken back"), _l("{actor} took back the no-show on {target}")
    ),
    A.REGISTRATION_DETAILS_CORRECTED: Wording(
        TICKETS, _l("Name or email corrected"), _l("{actor} corrected the details on {target}")
    ),
    A.REGISTRATION_DETAILS_DELETED: Wording(
        TICKETS,
        _l("Details deleted by the ticket holder"),
        _l("{actor} deleted their details from {target}"),
        nobody=_l("The ticket holder"),
    ),
    A.REGISTRATION_LANGUAGE_CHANGED: Wording(
        TICKETS,
        _l("Email language changed by the ticket holder"),
        _l("{actor} changed the language of the emails about {target}"),
        nobody=_l("The ticket holder"),
    ),
    A.REGISTRATIONS_PURGED: Wording(
        TICKETS,
        _l("Old tickets' details removed"),
        _l("{actor} removed people's details from the tickets of events that have ended"),
    ),
    A.EVENT_CREATED: Wording(EVENTS, _l("Event created"), _l("{actor} created {target}")),
    A.EVENT_UPDATED: Wording(
        EVENTS, _l("Event changed"), _l("{actor} changed the details of {target}")
    ),
    A.EVENT_PUBLISHED: Wording(EVENTS, _l("Event published"), _l("{actor} published {target}")),
    A.EVENT_UNPUBLISHED: Wording(
        EVENTS,
        _l("Event taken off the site"),
        _l("{actor} took {target} off the site, back to a draft"),
    ),
    A.EVENT_DUPLICATED: Wording(
        EVENTS, _l("Event copied"), _l("{actor} copied an event to make {target}")
    ),
    A.EVENT_CANCELLED: Wording(EVENTS, _l("Event cancelled"), _l("{actor} cancelled {target}")),
    A.EVENT_DOOR_STAFF_ASSIGNED: Wording(
        EVENTS,
        _l("Door staff given an event"),
        _l("{actor} let door staff check people in at {target}"),
    ),
    A.EVENT_DOOR_STAFF_UNASSIGNED: Wording(
        EVENTS,
        _l("Door staff's event taken away"),
        _l("{actor} took {target} away from door staff"),
    ),
    A.EVENT_MESSAGED: Wording(
        EMAIL, _l("Message to attendees"), _l("{actor} emailed the people signed up for {target}")
    ),
    A.EVENT_MESSAGE_SCHEDULED: Wording(
        EMAIL,
        _l("Message set to go later"),
        _l("{actor} set a message to the people signed up for {target} to go later"),
    ),
    A.EVENT_MESSAGE_EDITED: Wording(
        EMAIL, _l("Waiting message changed"), _l("{actor} changed a waiting message for {target}")
    ),
    A.EVENT_MESSAGE_CANCELLED: Wording(
        EMAIL,
        _l("Waiting message cancelled"),
        _l("{actor} cancelled a waiting message for {target}"),
    ),
    A.EVENT_MESSAGE_SENT: Wording(
        EMAIL,
        _l("Waiting message sent"),
        _l("{actor} sent a waiting message to the people signed up for {target}"),
    ),
    A.EVENT_QA_SETTINGS_CHANGED: Wording(
        QUESTIONS, _l("Q&A settings changed"), _l("{actor} changed the Q&A settings of {target}")
    ),
    A.EVENT_WAITING_LISTS_CHANGED: Wording(
        EVENTS,
        _l("Waiting lists changed"),
        _l("{actor} changed how {target} keeps its waiting list for full times"),
    ),
    A.EVENT_SURVEY_QUESTIONS_CHANGED: Wording(
        EVENTS,
        _l("Feedback questions changed"),
        _l("{actor} chose the feedback survey's questions for {target}"),
    ),
    A.EVENT_QUESTIONS_EXPORTED: Wording(
        EXPORTS,
        _l("Questions downloaded"),
        _l("{actor} downloaded the questions asked at {target}"),
    ),
    A.QUESTION_APPROVED: Wording(
        QUESTIONS, _l("Question approved"), _l("{actor} approved {target}")
    ),
    A.QUESTION_REJECTED: Wording(
        QUESTIONS, _l("Question not used"), _l("{actor} decided not to use {target}")
    ),
    A.QUESTION_EDITED: Wording(QUESTIONS, _l("Question edited"), _l("{actor} edited {target}")),
    A.QUESTION_ANSWERED: Wording(
        QUESTIONS, _l("Question answered"), _l("{actor} marked {target} as answered")
    ),
    A.QUESTION_PINNED: Wording(
        QUESTIONS, _l("Question put on screen"), _l("{actor} chose {target} to answer now")
    ),
    A.QUESTION_UNPINNED: Wording(
        QUESTIONS, _l("Question taken off screen"), _l("{actor} took {target} off the screen")
    ),
    A.WEEK_CREATED: Wording(WEEKS, _l("Week set up"), _l("{actor} set up {target}")),
    A.WEEK_EDITED: Wording(
        WEEKS, _l("Week changed"), _l("{actor} changed the details of {target}")
    ),
    A.WEEK_COPIED: Wording(
        WEEKS,
        _l("Week copied from an earlier one"),
        _l("{actor} copied an earlier week to set up {target}"),
    ),
    A.ORGANISATION_CREATED: Wording(
        ORGANISATIONS, _l("Organisation added"), _l("{actor} added the organisation {target}")
    ),
    A.ORGANISATION_RENAMED: Wording(
        ORGANISATIONS,
        _l("Organisation renamed"),
        _l("{actor} renamed the organisation now called {target}"),
    ),
    A.ORGANISATION_MERGED: Wording(
        ORGANISATIONS,
        _l("Organisations merged"),
        _l("{actor} merged an organisation entered twice into {target}"),
    ),
    A.PROPOSAL_CREATED: Wording(PROPOSALS, _l("Proposal started"), _l("{actor} started {target}")),
    A.PROPOSAL_EDITED: Wording(PROPOSALS, _l("Proposal edited"), _l("{actor} edited {target}")),
    A.PROPOSAL_SUBMITTED: Wording(
        PROPOSALS, _l("Proposal sent for review"), _l("{actor} sent {target} for review")
    ),
    A.PROPOSAL_CHANGES_REQUESTED: Wording(
        PROPOSALS, _l("Changes asked for"), _l("{actor} asked for changes to {target}")
    ),
    A.PROPOSAL_DECLINED: Wording(
        PROPOSALS, _l("Proposal declined"), _l("{actor} declined {target}")
    ),
    A.PROPOSAL_APPROVED: Wording(
        PROPOSALS,
        _l("Proposal approved"),
        _l("{actor} approved {target} and published it as an event"),
    ),
    A.SESSION_CHANGE_REQUESTED: Wording(
        PROPOSALS, _l("Change to a session asked for"), _l("{actor} asked to change {target}")
    ),
    A.SESSION_CHANGE_WITHDRAWN: Wording(
        PROPOSALS,
        _l("Change to a session withdrawn"),
        _l("{actor} withdrew their change to {target}"),
    ),
    A.SESSION_CHANGE_APPROVED: Wording(
        PROPOSALS,
        _l("Change to a session approved"),
        _l("{actor} approved the partner's change to {target}"),
    ),
    A.SESSION_CHANGE_DECLINED: Wording(
        PROPOSALS,
        _l("Change to a session declined"),
        _l("{actor} declined the partner's change to {target}"),
    ),
    A.USER_INVITED: Wording(
        PEOPLE, _l("Invitation sent"), _l("{actor} invited {target} to set up an account")
    ),
    A.INVITATION_WITHDRAWN: Wording(
        PEOPLE, _l("Invitation withdrawn"), _l("{actor} withdrew the invitation sent to {target}")
    ),
    A.USER_CREATED: Wording(
        PEOPLE, _l("Account created"), _l("{actor} created an account for {target}")
    ),
    A.USER_ROLE_CHANGED: Wording(
        PEOPLE, _l("Role changed"), _l("{actor} changed the role of {target}")
    ),
    A.USER_ACTIVATED: Wording(
        PEOPLE, _l("Allowed to sign in"), _l("{actor} let {target} sign in again")
    ),
    A.USER_DEACTIVATED: Wording(
        PEOPLE, _l("Stopped from signing in"), _l("{actor} stopped {target} signing in")
    ),
    A.USER_RENAMED: Wording(PEOPLE, _l("Name changed"), _l("{actor} changed their name")),
    A.USER_PASSWORD_CHANGED: Wording(
        PEOPLE, _l("Password changed"), _l("{actor} changed their password")
    ),
    A.USER_PASSWORD_RESET: Wording(
        PEOPLE, _l("Password reset"), _l("{actor} set a new password from an emailed link")
    ),
    A.USER_SIGNED_OUT_EVERYWHERE: Wording(
        PEOPLE, _l("Signed out everywhere"), _l("{actor} signed out on every device")
    ),
    A.USER_TWO_STEP_TURNED_ON: Wording(
        PEOPLE, _l("Two-step sign-in turned on"), _l("{actor} turned on two-step sign-in")
    ),
    A.USER_TWO_STEP_TURNED_OFF: Wording(
        PEOPLE,
        _l("Two-step sign-in turned off"),
        _l("{actor} turned off two-step sign-in for {target}"),
    ),
    A.USER_RECOVERY_CODES_RENEWED: Wording(
        PEOPLE, _l("New recovery codes made"), _l("{actor} made a new set of recovery codes")
    ),
    A.USER_RECOVERY_CODE_USED: Wording(
        PEOPLE, _l("Recovery code used"), _l("{actor} signed in with a recovery code")
    ),
    A.MAIL_RETRIED: Wording(
        EMAIL, _l("Failed email sent again"), _l("{actor} queued {target} to be sent again")
    ),
    A.MESSAGE_TEMPLATE_SAVED: Wording(
        EMAIL, _l("Message template saved"), _l("{actor} saved a message template")
    ),
    A.MESSAGE_TEMPLATE_CHANGED: Wording(
        EMAIL, _l("Message template changed"), _l("{actor} changed a message template")
    ),
    A.MESSAGE_TEMPLATE_DELETED: Wording(
        EMAIL, _l("Message template deleted"), _l("{actor} deleted a message template")
    ),
    A.EXPORT_DOWNLOADED: Wording(
        EXPORTS,
        _l("Attendee list downloaded"),
        _l("{actor} downloaded the attendee list of {target}"),
    ),
}
