"""The demo's event that has already happened, with a feedback survey three people answered."""

from __future__ import annotations

from datetime import timedelta

from nclw.demo_people import demo_ticket
from nclw.events.models import Audience, Edition, Event, EventFormat, EventStatus, Organisation
from nclw.extensions import db
from nclw.feedback.models import FeedbackAnswer, SurveyInvitation
from nclw.feedback.survey import fix_questions
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import to_uk, uk_datetime, utcnow

# Answers to the default questions: a score, what was useful, what should change.
DEMO_FEEDBACK = [
    ("5", "Learning to make three meals from one shop", "More time to cook"),
    ("4", "", "Start a bit later, the bus was early"),
    ("4", "Meeting people who live near me", ""),
]
PEOPLE = ["Sam", "Priya", "Kai", "Ella"]


def past_event_with_feedback(edition: Edition, host: Organisation) -> Event:
    """A taster session three days ago: four people came and three answered the survey, so
    the Feedback page and the certificate of attendance have something to show."""
    day = to_uk(utcnow()).date() - timedelta(days=3)
    event = Event(
        slug=f"cooking-on-a-budget-taster-{edition.year}",
        title="Cooking on a budget: a taster session",
        summary="Cook a cheap, healthy meal together and take the recipes home.",
        description="A hands-on evening in a community kitchen, before the week begins.",
        highlights="Three meals from one shop\nRecipes to take home",
        starts_at=uk_datetime(day, 17),
        ends_at=uk_datetime(day, 19),
        format=EventFormat.IN_PERSON,
        venue_name="Community Kitchen",
        address="2 Example Road, Luton",
        capacity=12,
        audience=Audience.CARE_EXPERIENCED,
        host=host,
        edition=edition,
        status=EventStatus.PUBLISHED,
        confirmed_count=len(PEOPLE),
    )
    db.session.add(event)
    db.session.flush()
    for n, name in enumerate(PEOPLE):
        person = demo_ticket(
            event,
            name,
            n,
            status=RegistrationStatus.CONFIRMED,
            created_at=event.starts_at - timedelta(days=7),
            confirmed_at=event.starts_at - timedelta(days=7),
            checked_in_at=event.starts_at,
            declared_care_experienced=True,
        )
        db.session.flush()
        answered = n < len(DEMO_FEEDBACK)
        db.session.add(
            SurveyInvitation(registration_id=person.id, sent_at=event.ends_at, answered=answered)
        )
    questions = fix_questions(event)
    for answers in DEMO_FEEDBACK:
        for question, value in zip(questions, answers, strict=True):
            rating = int(value) if value.isdigit() else None
            if value:
                answer = FeedbackAnswer(question_id=question.id, answered_on=day, rating=rating)
                answer.text = None if rating else value
                db.session.add(answer)
    return event
