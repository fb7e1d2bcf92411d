"""Answering the survey once, without an account, and saying no to it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.feedback.models import (
    MAX_ANSWER_LENGTH,
    FeedbackAnswer,
    QuestionKind,
    SurveyInvitation,
    SurveyQuestion,
)
from nclw.guarded import guarded_update
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.tokens import MAX_TOKEN_LENGTH, hash_token

ALREADY_ANSWERED = _l("This survey has already been answered. Thank you for your feedback.")
SAID_NO = _l("You asked not to get this survey, so it is closed.")


def invitation_for_link(raw: str) -> SurveyInvitation | None:
    """The invitation a survey link belongs to, or None (also once the details are deleted)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.token_hash == hash_token(raw))
    )
    if invitation is None or invitation.registration.anonymised_at is not None:
        return None
    return invitation


def survey_refusal(invitation: SurveyInvitation) -> str | None:
    """Why this link cannot be answered now, in words for the person; None when it can."""
    if invitation.answered:
        return str(ALREADY_ANSWERED)
    if invitation.opted_out:
        return str(SAID_NO)
    return None


def _answers(questions: list[SurveyQuestion], given: dict[int, str], today: date):
    for question in questions:
        value = (given.get(question.id) or "").strip()
        if not value:
            continue  # every question may be skipped
        if question.kind == QuestionKind.RATING:
            if value not in {"1", "2", "3", "4", "5"}:
                raise InvalidInput(_("Choose a score from 1 to 5."))
            yield FeedbackAnswer(question_id=question.id, answered_on=today, rating=int(value))
        else:
            if len(value) > MAX_ANSWER_LENGTH:
                raise InvalidInput(
                    _("Keep each answer to %(max)d characters or fewer.", max=MAX_ANSWER_LENGTH)
                )
            yield FeedbackAnswer(question_id=question.id, answered_on=today, text=value)


def submit_answers(
    invitation: SurveyInvitation,
    questions: list[SurveyQuestion],
    given: dict[int, str],
    *,
    today: date,
) -> int:
    """Keep the answers, unlinked from the ticket, and close the link; how many were kept.

    `given` maps question ids to what was typed or chosen. The ticket is marked answered with
    a guarded UPDATE, so two presses at the same moment keep one set of answers, not two.
    """
    refusal = survey_refusal(invitation)
    if refusal:
        raise NotAllowed(refusal)
    answers = list(_answers(questions, given, today))
    if not answers:
        raise InvalidInput(
            _("Answer at least one question, or close this page if you would rather not.")
        )
    if not guarded_update(
        SurveyInvitation,
        SurveyInvitation.id == invitation.id,
        SurveyInvitation.answered.is_(False),
        SurveyInvitation.opted_out.is_(False),
        answered=True,
    ):
        raise NotAllowed(str(ALREADY_ANSWERED))
    db.session.add_all(answers)
    db.session.flush()
    db.session.expire(invitation)
    return len(answers)


def _invitation_of(registration: Registration) -> SurveyInvitation:
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.registration_id == registration.id)
    )
    if invitation is None:
        invitation = SurveyInvitation(registration_id=registration.id)
        db.session.add(invitation)
    return invitation


def wants_survey(registration: Registration) -> bool:
    """Whether this ticket may be sent the survey as far as the person has said."""
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.registration_id == registration.id)
    )
    return invitation is None or not invitation.opted_out


def set_wants_survey(registration: Registration, wanted: bool) -> None:
    """The person's choice on their ticket page: send me the survey after the event, or don't."""
    if registration.anonymised_at is not None:
        raise NotAllowed(_("This ticket's details have been deleted."))
    _invitation_of(registration).opted_out = not wanted
    db.session.flush()


def say_no_from_email(invitation: SurveyInvitation) -> int:
    """ "Don't send me feedback surveys", from the email: close this survey, and let none come
    for the person's other tickets either. Returns how many other tickets that covered."""
    invitation.opted_out = True
    registration = invitation.registration
    others = db.session.scalars(
        sa.select(Registration).where(
            Registration.email_normalised == registration.email_normalised,
            Registration.id != registration.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
        )
    ).all()
    for other in others:
        _invitation_of(other).opted_out = True
    db.session.flush()
    return len(others)


def ticket_survey_choice(registration: Registration) -> dict[str, bool] | None:
    """What the ticket page offers about the survey: None when there is nothing to choose
    (the ticket is not held, or its details are gone), else whether it will be sent."""
    if not registration.is_confirmed or registration.anonymised_at is not None:
        return None
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.registration_id == registration.id)
    )
    return {
        "wanted": invitation is None or not invitation.opted_out,
        "sent": invitation is not None and invitation.sent_at is not None,
    }
