"""The demo week shows sign-up questions: answered on the careers session, one waiting."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.events.models import Event
from nclw.extensions import db
from nclw.partners.question_proposals import awaiting_review
from nclw.registrations.models import Registration
from nclw.registrations.question_setup import questions_of
from nclw.registrations.sign_up_answers import answers_for


def test_the_careers_session_asks_two_questions_people_answered(runner):
    result = runner.invoke(args=["nclw", "seed-demo"])
    assert result.exit_code == 0, result.output
    careers = db.session.scalar(sa.select(Event).where(Event.slug.like("virtual-careers-%")))
    jobs, cover = questions_of(careers)
    assert jobs.label == "Which kind of job interests you most?"
    assert cover.label == "Anything you'd like the speakers to cover?" and not cover.required
    [proposed] = awaiting_review(careers)
    assert "mentor" in proposed.label
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == careers.id)
    ).all()
    assert careers.confirmed_count == len(people) == 3
    shown = answers_for(people[0])
    assert [answer.answer for answer in shown] == [
        "Digital and technology",
        "How to get an apprenticeship without a degree",
    ]
