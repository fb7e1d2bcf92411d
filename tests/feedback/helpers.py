"""Events that have ended, people who came, and survey links as their email would carry."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.feedback.sending import queue_surveys
from nclw.mail.models import OutboxMessage
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

SURVEY_LINK = re.compile(r"/feedback/([A-Za-z0-9_-]{20,})(?!/no-thanks)\b")


def ended_event(**overrides):
    """An in-person event that ended three hours ago (its survey is due)."""
    starts = utcnow().replace(microsecond=0) - timedelta(hours=5)
    overrides.setdefault("format", EventFormat.IN_PERSON)
    overrides.setdefault("online_url", None)
    overrides.setdefault("venue_name", "Town Hall")
    return make_event(starts_at=starts, **overrides)


def came(event, **overrides):
    """Someone with a ticket who was checked in."""
    return make_registration(event, checked_in_at=event.starts_at, **overrides)


def survey_token_for(registration) -> str:
    """Send the surveys that are due and return the raw link from this person's email."""
    queue_surveys(now=utcnow())
    body = db.session.scalar(
        sa.select(OutboxMessage.text_body).where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind == "feedback_survey",
        )
    )
    return SURVEY_LINK.search(body).group(1)
