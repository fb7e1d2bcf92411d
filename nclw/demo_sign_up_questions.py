"""The demo's careers session asks two questions of its own, and its host proposes a third."""

from __future__ import annotations

from datetime import timedelta

from nclw.demo_people import demo_ticket
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import RegistrationStatus
from nclw.registrations.sign_up_questions import QuestionKind, SignUpAnswer, SignUpQuestion
from nclw.timezones import utcnow

JOBS = "Digital and technology\nBusiness and finance\nCreative\nNot sure yet"
# (first name, the kind of job, what to cover)
ANSWERS = [
    ("Amira", "Digital and technology", "How to get an apprenticeship without a degree"),
    ("Josh", "Not sure yet", ""),
    ("Leah", "Creative", "What a normal day at work looks like"),
]

# In the order they are asked; the host proposed the third, which waits for an organiser.
QUESTIONS = [
    {
        "kind": QuestionKind.ONE_CHOICE,
        "label": "Which kind of job interests you most?",
        "why_we_ask": "So we bring speakers from the right teams.",
        "choices": JOBS,
    },
    {
        "kind": QuestionKind.LONG_TEXT,
        "label": "Anything you'd like the speakers to cover?",
        "help_text": "A topic, or a question you would like answered.",
        "why_we_ask": "So the session answers what you came for.",
    },
    {
        "kind": QuestionKind.YES_NO,
        "label": "Would you like a one-to-one chat with a mentor afterwards?",
        "why_we_ask": "So we know how many mentors to bring.",
        "awaiting_review": True,
    },
]


def careers_questions(event: Event) -> None:
    """Two questions on the careers session, answered by three people, and a third the host
    proposed that waits for an organiser (it is not asked until approved)."""
    now = utcnow()
    questions = [
        # Optional, like every question the demo asks: ask the least.
        SignUpQuestion(
            event_id=event.id, position=position, required=False, created_at=now, **fields
        )
        for position, fields in enumerate(QUESTIONS, start=1)
    ]
    db.session.add_all(questions)
    db.session.flush()
    jobs, cover = questions[:2]  # the third is not asked yet, so nobody has answered it
    for n, (name, job, topic) in enumerate(ANSWERS):
        person = demo_ticket(
            event,
            name,
            n,
            status=RegistrationStatus.CONFIRMED,
            created_at=now - timedelta(days=2),
            confirmed_at=now - timedelta(days=2),
            declared_care_experienced=True,
        )
        db.session.flush()
        db.session.add(SignUpAnswer(registration_id=person.id, question_id=jobs.id, value=job))
        if topic:
            db.session.add(
                SignUpAnswer(registration_id=person.id, question_id=cover.id, value=topic)
            )
    event.confirmed_count += len(ANSWERS)
