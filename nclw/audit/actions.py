"""Every action the audit log can record, named in the past tense."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    """What happened. The value is what the log keeps; wording.py says it in plain words.

    A new action needs a member here and a line in wording.WORDING (a test checks both), so
    nothing reaches the log that the audit page cannot put into words.
    """

    # Tickets
    REGISTRATION_PROMOTED = "registration.promoted"
    REGISTRATION_CANCELLED = "registration.cancelled"
    BOOKING_MADE = "booking.made"
    BOOKED_TICKET_CANCELLED = "booking.ticket_cancelled"
    OFFER_MADE = "offer.made"
    OFFER_CLAIMED = "offer.claimed"
    OFFER_DECLINED = "offer.declined"
    OFFER_EXPIRED = "offer.expired"
    REGISTRATION_CHECKED_IN = "registration.checked_in"
    REGISTRATION_CHECK_IN_UNDONE = "registration.check_in_undone"
    REGISTRATION_MARKED_NO_SHOW = "registration.marked_no_show"
    REGISTRATION_NO_SHOW_UNDONE = "registration.no_show_undone"
    REGISTRATION_DETAILS_CORRECTED = "registration.details_corrected"
    REGISTRATION_DETAILS_DELETED = "registration.details_deleted"
    REGISTRATION_LANGUAGE_CHANGED = "registration.language_changed"
    REGISTRATIONS_PURGED = "registrations.purged"
    SUPPORTER_ADDED = "supporter.added"
    SUPPORTER_REMOVED = "supporter.removed"
    # The ticket's place went back (cancelled, or an offer ended), and the supporter's with it.
    SUPPORTER_RELEASED = "supporter.released"
    # Events
    EVENT_CREATED = "event.created"
    EVENT_UPDATED = "event.updated"
    EVENT_PUBLISHED = "event.published"
    EVENT_UNPUBLISHED = "event.unpublished"
    EVENT_DUPLICATED = "event.duplicated"
    EVENT_CANCELLED = "event.cancelled"
    EVENT_MESSAGED = "event.messaged"
    EVENT_MESSAGE_SCHEDULED = "event.message_scheduled"
    EVENT_MESSAGE_EDITED = "event.message_edited"
    EVENT_MESSAGE_CANCELLED = "event.message_cancelled"
    EVENT_MESSAGE_SENT = "event.message_sent"
    EVENT_QA_SETTINGS_CHANGED = "event.qa_settings_changed"
    EVENT_WAITING_LISTS_CHANGED = "event.waiting_lists_changed"
    EVENT_SURVEY_QUESTIONS_CHANGED = "event.survey_questions_changed"
    EVENT_QUESTIONS_EXPORTED = "event.questions_exported"
    EVENT_DOOR_STAFF_ASSIGNED = "event.door_staff_assigned"
    EVENT_DOOR_STAFF_UNASSIGNED = "event.door_staff_unassigned"
    # Questions in an event's Q&A
    QUESTION_APPROVED = "question.approved"
    QUESTION_REJECTED = "question.rejected"
    QUESTION_EDITED = "question.edited"
    QUESTION_ANSWERED = "question.answered"
    QUESTION_PINNED = "question.pinned"
    QUESTION_UNPINNED = "question.unpinned"
    # Weeks
    WEEK_CREATED = "week.created"
    WEEK_EDITED = "week.edited"
    WEEK_COPIED = "week.copied"
    # Organisations
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_RENAMED = "organisation.renamed"
    ORGANISATION_MERGED = "organisation.merged"
    # Partners' proposals
    PROPOSAL_CREATED = "proposal.created"
    PROPOSAL_EDITED = "proposal.edited"
    PROPOSAL_SUBMITTED = "proposal.submitted"
    PROPOSAL_CHANGES_REQUESTED = "proposal.changes_requested"
    PROPOSAL_DECLINED = "proposal.declined"
    PROPOSAL_APPROVED = "proposal.approved"
    # Partners' changes to their live sessions
    SESSION_CHANGE_REQUESTED = "session_change.requested"
    SESSION_CHANGE_WITHDRAWN = "session_change.withdrawn"
    SESSION_CHANGE_APPROVED = "session_change.approved"
    SESSION_CHANGE_DECLINED = "session_change.declined"
    # Accounts
    USER_INVITED = "user.invited"
    INVITATION_WITHDRAWN = "invitation.withdrawn"
    USER_CREATED = "user.created"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_ACTIVATED = "user.activated"
    USER_DEACTIVATED = "user.deactivated"
    USER_RENAMED = "user.renamed"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere"
    USER_TWO_STEP_TURNED_ON = "user.two_step_turned_on"
    USER_TWO_STEP_TURNED_OFF = "user.two_step_turned_off"
    USER_RECOVERY_CODES_RENEWED = "user.recovery_codes_renewed"
    USER_RECOVERY_CODE_USED = "user.recovery_code_used"
    # Email
    MAIL_RETRIED = "mail.retried"
    MESSAGE_TEMPLATE_SAVED = "message_template.saved"
    MESSAGE_TEMPLATE_CHANGED = "message_template.changed"
    MESSAGE_TEMPLATE_DELETED = "message_template.deleted"
    # Downloads
    EXPORT_DOWNLOADED = "export.downloaded"
