"""Every model, imported in one place so migrations and tests see the whole schema."""

from nclw.accounts.models import AccountToken, DoorStaffAssignment, RecoveryCode, User
from nclw.audit.models import AuditEntry
from nclw.events.models import Edition, Event, Organisation
from nclw.feedback.models import FeedbackAnswer, SurveyInvitation, SurveyQuestion
from nclw.mail.models import OutboxMessage
from nclw.partners.models import Proposal, ProposalVersion
from nclw.questions.models import Question, QuestionVote
from nclw.registrations.models import (
    Booking,
    EventMessage,
    EventMessageEmail,
    MessageTemplate,
    Registration,
)
from nclw.registrations.sign_up_questions import SignUpAnswer, SignUpQuestion
from nclw.registrations.slot_models import EventSlot, SlotBooking
from nclw.registrations.supporter_models import Supporter

__all__ = [
    "AccountToken",
    "AuditEntry",
    "Booking",
    "DoorStaffAssignment",
    "Edition",
    "EventSlot",
    "Event",
    "EventMessage",
    "EventMessageEmail",
    "FeedbackAnswer",
    "MessageTemplate",
    "Organisation",
    "OutboxMessage",
    "Question",
    "QuestionVote",
    "Proposal",
    "ProposalVersion",
    "RecoveryCode",
    "SlotBooking",
    "Registration",
    "SignUpAnswer",
    "SignUpQuestion",
    "Supporter",
    "SurveyInvitation",
    "SurveyQuestion",
    "User",
]
