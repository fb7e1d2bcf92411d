"""Votes and pins under real concurrency on PostgreSQL, the production database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from nclw.accounts.models import Role
from nclw.errors import NotAllowed
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionVote
from nclw.timezones import utcnow
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.questions.helpers import approved, qa_event

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    url = postgres_database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _at_once(app: Flask, jobs: list[Callable[[], object]]) -> list[object]:
    """Run each job in its own thread and app context, all released together."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - recorded for the assertions
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_simultaneous_votes_are_all_counted_once_per_voter(pg_app) -> None:
    question_id = approved(qa_event()).id
    voters = [f"voter-{n}" for n in range(8)] + ["same-voter"] * 6

    def vote(key: str) -> Callable[[], object]:
        return lambda: services.vote_for_question(
            db.session.get(Question, question_id), voter_key=key
        )

    results = _at_once(pg_app, [vote(key) for key in voters])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, NotAllowed) for r in refused), refused
    assert len(refused) == 5
    db.session.expire_all()
    assert db.session.get(Question, question_id).vote_count == 9
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVote)) == 9


def test_simultaneous_new_browsers_from_one_address_stop_at_the_bound(pg_app) -> None:
    pg_app.config["QUESTION_VOTES_PER_ADDRESS"] = 3
    event = qa_event(qa_askers=QuestionAskers.ANYONE, qa_public_list=True)
    question_id = approved(event).id

    def vote(n: int) -> Callable[[], object]:
        return lambda: services.cast_vote(
            db.session.get(Question, question_id),
            browser_id=f"browser-{n}-" + "x" * 24,
            address="203.0.113.7",
        )

    results = _at_once(pg_app, [vote(n) for n in range(8)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, NotAllowed) for r in refused), refused
    assert len(refused) == 5
    db.session.expire_all()
    assert db.session.get(Question, question_id).vote_count == 3


def test_two_moderators_pinning_at_once_leave_exactly_one_pinned(pg_app) -> None:
    event = qa_event()
    ids = [approved(event, f"Question {n}?").id for n in range(4)]
    organiser_id = make_user(Role.ORGANISER).id

    def pin(question_id: int) -> Callable[[], object]:
        from nclw.accounts.models import User

        return lambda: services.pin_question(
            db.session.get(Question, question_id),
            actor=db.session.get(User, organiser_id),
            now=utcnow(),
        )

    results = _at_once(pg_app, [pin(question_id) for question_id in ids])
    assert not [r for r in results if isinstance(r, Exception)], results
    db.session.expire_all()
    pinned = db.session.scalars(sa.select(Question.id).where(Question.pinned.is_(True))).all()
    assert len(pinned) == 1
