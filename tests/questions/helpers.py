"""Building blocks for the question tests."""

from __future__ import annotations

from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionStatus
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration


def qa_event(**overrides):
    """A published event taking questions from ticket holders."""
    values = {"qa_enabled": True, "qa_askers": QuestionAskers.TICKET_HOLDERS}
    values.update(overrides)
    return make_event(**values)


def asked(event, body="How did you get your first job?", *, registration=None, **kwargs):
    """A question asked through the rules, committed."""
    registration = registration or make_registration(event)
    question = services.ask_question(
        event, body, registration=registration, now=kwargs.pop("now", utcnow()), **kwargs
    )
    db.session.commit()
    return question


def approved(event, body="What helped you most?", **kwargs) -> Question:
    """An approved question (written directly: the moderation rules are tested elsewhere)."""
    question = asked(event, body, **kwargs)
    question.status = QuestionStatus.APPROVED
    db.session.commit()
    return question
