"""Sending the survey after an event: by `flask nclw send-surveys`, once per ticket.

It goes to people who were checked in and still hold their ticket, never to anyone who said
no or deleted their details. The survey is about an event the person came to, not news of
other events, so it does not need the "email me about future events" consent; the email and
the ticket page both say how to say no.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from nclw.events.models import Event, EventStatus
from nclw.extensions import db
from nclw.feedback.models import SurveyInvitation
from nclw.feedback.survey import fix_questions
from nclw.links import absolute_url
from nclw.mail.ical import DISCREET_SENDER
from nclw.mail.outbox import ComposedEmail, compose_email, queue_email_once
from nclw.registrations.discreet_emails import discreet_subject, opened_discreetly
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.ticket_language import written_in_ticket_language
from nclw.registrations.ticket_links import new_ticket_url
from nclw.timezones import format_when
from nclw.tokens import hash_token, new_link_token

KIND = "feedback_survey"
# Long enough for people to get home; the event is still fresh in their minds.
SEND_AFTER_END = timedelta(hours=2)
# No survey about an event long past (say, the first run after this feature arrives).
SEND_WITHIN = timedelta(days=7)


def survey_key(registration: Registration) -> str:
    """One survey email per ticket, ever: the outbox's unique key holds to that."""
    return f"{KIND}:{registration.id}"


def survey_link(raw: str) -> str:
    """The address of the survey for one emailed token."""
    return absolute_url(f"/feedback/{raw}")


@written_in_ticket_language
def survey_email(registration: Registration, raw: str) -> ComposedEmail:
    """The one email: a link to the survey, a way to say no, and the ticket for a certificate."""
    event = registration.event
    discreet = registration.discreet
    subject = (
        discreet_subject(KIND, registration)
        if discreet
        else _("How was %(title)s? A few quick questions", title=event.title)
    )
    email = compose_email(
        KIND,
        registration.email,
        subject,
        "mail/feedback_survey",
        sender_name=str(DISCREET_SENDER) if discreet else None,
        discreet=discreet,
        registration=registration,
        event=event,
        when=format_when(event.starts_at, event.ends_at),
        survey_url=survey_link(raw),
        no_thanks_url=survey_link(raw) + "/no-thanks",
        ticket_url=new_ticket_url(registration),
    )
    return opened_discreetly(email) if discreet else email


def _invite(registration: Registration, *, now: datetime) -> ComposedEmail:
    raw = new_link_token()
    db.session.add(
        SurveyInvitation(registration_id=registration.id, token_hash=hash_token(raw), sent_at=now)
    )
    return survey_email(registration, raw)


def due_surveys(*, now: datetime) -> list[Registration]:
    """Tickets whose survey is due: checked in, still held, details kept, never asked or
    refused (any SurveyInvitation row means one of the two)."""
    already = sa.select(SurveyInvitation.id).where(
        SurveyInvitation.registration_id == Registration.id
    )
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Event, Registration.event_id == Event.id)
            .options(joinedload(Registration.event).joinedload(Event.host))
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at <= now - SEND_AFTER_END,
                Event.ends_at > now - SEND_WITHIN,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.checked_in_at.is_not(None),
                Registration.anonymised_at.is_(None),
                ~already.exists(),
            )
            .order_by(Registration.event_id, Registration.id)
        ).unique()
    )


def queue_surveys(*, now: datetime) -> int:
    """Queue every survey email that is due; safe to run as often as you like."""
    db.session.commit()
    if db.session.get_bind().dialect.name == "sqlite":
        # As for reminders: take SQLite's write lock first, so an overlapping run waits.
        db.session.execute(sa.text("UPDATE outbox_messages SET id = id WHERE 0"))
    queued = 0
    fixed: set[int] = set()
    for registration in due_surveys(now=now):
        if registration.event_id not in fixed:
            # The questions are fixed before the first email goes (see survey.choose_questions).
            fix_questions(registration.event)
            fixed.add(registration.event_id)
        if queue_email_once(
            lambda registration=registration: _invite(registration, now=now),
            dedupe_key=survey_key(registration),
            registration_id=registration.id,
            event_id=registration.event_id,
        ):
            queued += 1
    db.session.commit()
    return queued
