"""Votes without a ticket are bounded per network address, so a dropped cookie is not a new vote."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.errors import NotAllowed
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionVote
from nclw.questions.services.voting import voting_network
from tests.factories import make_registration
from tests.questions.helpers import approved, qa_event

REFUSAL = "We cannot count more votes for this question from your internet connection."


def _open_event():
    return qa_event(capacity=None, qa_askers=QuestionAskers.ANYONE, qa_public_list=True)


def _browser(n: int) -> str:
    return f"browser-{n:02d}-" + "x" * 24


def test_new_browser_ids_from_one_address_count_only_up_to_the_bound(app) -> None:
    app.config["QUESTION_VOTES_PER_ADDRESS"] = 3
    question = approved(_open_event(), "Vote for me?")
    for n in range(3):
        services.cast_vote(question, browser_id=_browser(n), address="203.0.113.7")
        db.session.commit()
    with pytest.raises(NotAllowed, match=REFUSAL):
        services.cast_vote(question, browser_id=_browser(3), address="203.0.113.7")
    db.session.rollback()
    # Another address, and another question from the same address, are their own.
    services.cast_vote(question, browser_id=_browser(4), address="198.51.100.1")
    other = approved(question.event, "And me?")
    services.cast_vote(other, browser_id=_browser(5), address="203.0.113.7")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 4


def test_a_second_vote_from_one_browser_still_says_already_voted(app) -> None:
    app.config["QUESTION_VOTES_PER_ADDRESS"] = 1
    question = approved(_open_event())
    services.cast_vote(question, browser_id=_browser(0), address="203.0.113.7")
    db.session.commit()
    with pytest.raises(NotAllowed, match="already voted"):
        services.cast_vote(question, browser_id=_browser(0), address="203.0.113.7")


def test_ticket_votes_are_never_refused_for_their_address(app) -> None:
    app.config["QUESTION_VOTES_PER_ADDRESS"] = 1
    event = _open_event()
    question = approved(event)
    services.cast_vote(question, browser_id=_browser(0), address="203.0.113.7")
    for _ in range(3):
        services.cast_vote(question, registration=make_registration(event))
    db.session.commit()
    assert question.vote_count == 4


def test_the_address_is_kept_only_as_a_keyed_hash_tied_to_the_question(app) -> None:
    event = _open_event()
    first, second = approved(event, "One?"), approved(event, "Two?")
    for question in (first, second):
        services.cast_vote(question, browser_id=_browser(0), address="203.0.113.7")
    db.session.commit()
    keys = db.session.scalars(sa.select(QuestionVote.address_key)).all()
    assert len(keys) == 2 and len(set(keys)) == 2  # not linkable across questions
    assert all(len(key) == 64 and "203.0.113" not in key for key in keys)


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
    ],
)
def test_one_ipv6_connection_is_its_whole_64(address, network) -> None:
    assert voting_network(address) == network


def test_dropping_the_cookie_does_not_give_another_vote(app) -> None:
    app.config["QUESTION_VOTES_PER_ADDRESS"] = 2
    question = approved(_open_event(), "Vote for me?")
    url = f"/events/{question.event.slug}/questions/{question.id}/vote"
    # Each test client is a fresh browser with no cookie, all from one address.
    statuses = [app.test_client().post(url).status_code for _ in range(4)]
    assert statuses == [302, 302, 409, 409]
    refused = app.test_client().post(url)
    assert REFUSAL in refused.text
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert elsewhere.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 3
