"""The rules for asking, moderating, voting and exporting questions."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.errors import Forbidden, InvalidInput, NotAllowed
from nclw.events.models import EventStatus, QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionStatus
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.factories import make_registration, make_user
from tests.questions.helpers import approved, asked, qa_event

NOW = utcnow().replace(microsecond=0)


# --- asking ------------------------------------------------------------------------------------


def test_a_ticket_holder_asks_and_the_question_waits_for_moderation(app) -> None:
    event = qa_event()
    registration = make_registration(event)
    question = services.ask_question(
        event, "  How do I start?  ", registration=registration, now=NOW
    )
    db.session.commit()
    assert question.status == QuestionStatus.PENDING
    assert question.body == "How do I start?"
    assert question.display_name is None
    assert services.pending_counts() == {event.id: 1}
    assert services.live_questions(event) == []


def test_a_question_has_no_link_to_the_registration_only_a_keyed_hash(app) -> None:
    event = qa_event()
    registration = make_registration(event)
    question = asked(event, registration=registration)
    columns = {column.name for column in Question.__table__.columns}
    assert not any("registration" in name for name in columns)
    assert not Question.__table__.foreign_keys - {
        fk for fk in Question.__table__.foreign_keys if fk.column.table.name == "events"
    }
    assert question.asker_key == services.ticket_key(registration)
    assert registration.link_token not in question.asker_key
    # Keyed: the plain SHA-256 of the token is not the key, so the token alone does not link.
    import hashlib

    assert question.asker_key != hashlib.sha256(registration.link_token.encode()).hexdigest()
    assert services.questions_asked_by(event, services.ticket_key(registration)) == [question]


def test_the_asker_key_depends_on_the_secret_key(app) -> None:
    event = qa_event()
    registration = make_registration(event)
    first = services.ticket_key(registration)
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-for-this"
    assert services.ticket_key(registration) != first


def test_ticket_holders_only_by_default(app) -> None:
    event = qa_event()
    with pytest.raises(NotAllowed, match="ticket"):
        services.ask_question(event, "Can I ask?", browser_id="b" * 32, now=NOW)


def test_anyone_may_ask_when_the_event_allows_it(app) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    question = services.ask_question(event, "Can I ask?", browser_id="b" * 32, now=NOW)
    assert question.asker_key == services.browser_key("b" * 32)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"qa_enabled": False}, "not taking questions"),
        ({"status": EventStatus.CANCELLED}, "not taking questions"),
        ({"status": EventStatus.DRAFT}, "not taking questions"),
    ],
)
def test_no_questions_when_the_event_is_not_taking_them(app, change, message) -> None:
    event = qa_event(**change)
    registration = make_registration(event)
    with pytest.raises(NotAllowed, match=message):
        services.ask_question(event, "Hello?", registration=registration, now=NOW)


def test_no_questions_after_the_event_has_finished(app) -> None:
    event = qa_event()
    registration = make_registration(event)
    with pytest.raises(NotAllowed, match="finished"):
        services.ask_question(
            event, "Hello?", registration=registration, now=event.ends_at + timedelta(minutes=1)
        )


def test_a_cancelled_ticket_or_another_events_ticket_cannot_ask(app) -> None:
    event = qa_event()
    other = qa_event()
    cancelled = make_registration(event, status=RegistrationStatus.CANCELLED)
    with pytest.raises(NotAllowed):
        services.ask_question(event, "Hello?", registration=cancelled, now=NOW)
    with pytest.raises(NotAllowed):
        services.ask_question(event, "Hello?", registration=make_registration(other), now=NOW)


def test_questions_are_limited_to_500_characters(app) -> None:
    event = qa_event()
    registration = make_registration(event)
    services.ask_question(event, "x" * 500, registration=registration, now=NOW)
    with pytest.raises(InvalidInput, match="500"):
        services.ask_question(event, "x" * 501, registration=registration, now=NOW)
    with pytest.raises(InvalidInput):
        services.ask_question(event, "   ", registration=registration, now=NOW)


def test_the_database_refuses_an_overlong_question(app) -> None:
    event = qa_event()
    db.session.add(Question(event_id=event.id, body="x" * 501))
    # SQLite: the CHECK constraint; PostgreSQL: the column length (a DataError).
    with pytest.raises((IntegrityError, DataError)):
        db.session.flush()
    db.session.rollback()


def test_contact_details_are_flagged_for_the_moderator(app) -> None:
    event = qa_event()
    question = asked(event, "Call me on 07700 900123 or email sam@example.org")
    assert question.flag_list == ["email", "phone"]
    assert asked(event, "What do you do all day?").flag_list == []


def test_a_name_to_show_is_optional_and_checked_too(app) -> None:
    event = qa_event()
    question = asked(event, "What next?", display_name="  Sam  ")
    assert question.display_name == "Sam"
    assert asked(event, "What next?", display_name="sam@example.org").flag_list == ["email"]


def test_the_sign_up_question_never_stops_a_ticket(app) -> None:
    event = qa_event(qa_enabled=False)
    registration = make_registration(event)
    refused = services.ask_first_question(registration, "Hello?", now=NOW)
    assert refused.question is None
    assert refused.not_sent_reason == (
        "We did not send your question. This event is not taking questions."
    )
    event.qa_enabled = True
    sent = services.ask_first_question(registration, "Hello?", now=NOW)
    assert sent.question.body == "Hello?"
    assert sent.not_sent_reason is None
    # Spaces alone are no question: nothing to send and nothing to tell.
    assert services.ask_first_question(registration, "   ", now=NOW) == services.FirstQuestion()


# --- who may ask: a place, not a waiting-list place ---------------------------------------------


def test_a_waiting_list_place_cannot_ask_until_it_becomes_a_ticket(app) -> None:
    event = qa_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    reason = services.asking_closed_reason(event, registration=waiting, now=NOW)
    assert reason == (
        "You are on the waiting list. If you get a place, you can send questions for the Q&A "
        "from your ticket page."
    )
    with pytest.raises(NotAllowed) as refused:
        services.ask_question(event, "Can I ask?", registration=waiting, now=NOW)
    assert refused.value.message == reason
    assert db.session.scalars(sa.select(Question)).all() == []

    waiting.status = RegistrationStatus.CONFIRMED
    assert services.asking_closed_reason(event, registration=waiting, now=NOW) is None
    question = services.ask_question(event, "Can I ask now?", registration=waiting, now=NOW)
    assert question.asker_key == services.ticket_key(waiting)


def test_a_waiting_list_first_question_is_not_sent_and_says_why(app) -> None:
    event = qa_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    result = services.ask_first_question(waiting, "What should I bring?", now=NOW)
    assert result.question is None
    assert result.not_sent_reason.startswith("We did not send your question. You are on the")
    assert db.session.scalars(sa.select(Question)).all() == []


def test_where_anyone_may_ask_a_waiting_list_place_may_ask_too(app) -> None:
    event = qa_event(capacity=1, qa_askers=QuestionAskers.ANYONE)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    assert services.asking_closed_reason(event, registration=waiting, now=NOW) is None
    result = services.ask_first_question(waiting, "What should I bring?", now=NOW)
    assert result.question.asker_key == services.ticket_key(waiting)
    assert result.not_sent_reason is None


# --- withdrawing -------------------------------------------------------------------------------


def test_only_the_asker_can_withdraw(app) -> None:
    event = qa_event()
    mine = make_registration(event)
    someone_else = make_registration(event)
    question = asked(event, registration=mine)
    with pytest.raises(Forbidden):
        services.withdraw_question(question, asker_key=services.ticket_key(someone_else), now=NOW)
    services.withdraw_question(question, asker_key=services.ticket_key(mine), now=NOW)
    assert question.status == QuestionStatus.WITHDRAWN
    assert services.questions_asked_by(event, services.ticket_key(mine)) == []


def test_an_answered_question_cannot_be_withdrawn(app) -> None:
    event = qa_event()
    mine = make_registration(event)
    question = asked(event, registration=mine)
    question.status = QuestionStatus.ANSWERED
    with pytest.raises(NotAllowed):
        services.withdraw_question(question, asker_key=services.ticket_key(mine), now=NOW)


def test_a_question_from_the_event_page_has_no_asker_without_a_browser_id(app) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    question = services.ask_question(event, "Hi?", now=NOW)
    with pytest.raises(Forbidden):
        services.withdraw_question(question, asker_key="", now=NOW)


# --- moderating --------------------------------------------------------------------------------


def test_approve_then_answer(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    question = asked(event)
    services.approve_question(question, actor=organiser, now=NOW)
    assert services.live_questions(event) == [question]
    services.mark_answered(question, actor=organiser, now=NOW)
    assert question.status == QuestionStatus.ANSWERED
    assert question.answered_at == NOW
    assert services.live_questions(event) == []
    assert services.answered_questions(event) == [question]


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (QuestionStatus.APPROVED, services.approve_question),
        (QuestionStatus.REJECTED, services.approve_question),
        (QuestionStatus.WITHDRAWN, services.approve_question),
        (QuestionStatus.ANSWERED, services.approve_question),
        (QuestionStatus.PENDING, services.mark_answered),
        (QuestionStatus.REJECTED, services.mark_answered),
        (QuestionStatus.PENDING, services.pin_question),
        (QuestionStatus.ANSWERED, services.pin_question),
        (QuestionStatus.WITHDRAWN, services.reject_question),
        (QuestionStatus.ANSWERED, services.reject_question),
    ],
)
def test_illegal_state_changes_are_refused(app, status, move) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    question = asked(event)
    question.status = status
    db.session.commit()
    with pytest.raises(NotAllowed):
        move(question, actor=organiser, now=NOW)
    assert db.session.get(Question, question.id).status == status


@pytest.mark.parametrize("status", [QuestionStatus.REJECTED, QuestionStatus.WITHDRAWN])
def test_closed_questions_cannot_be_edited(app, status) -> None:
    organiser = make_user(Role.ORGANISER)
    question = asked(qa_event())
    question.status = status
    with pytest.raises(NotAllowed):
        services.edit_question(question, "New words", actor=organiser, now=NOW)


def test_only_one_question_is_pinned(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    first, second = approved(event, "One?"), approved(event, "Two?")
    services.pin_question(first, actor=organiser, now=NOW)
    services.pin_question(second, actor=organiser, now=NOW)
    db.session.commit()
    pinned = db.session.scalars(
        sa.select(Question.id).where(Question.event_id == event.id, Question.pinned.is_(True))
    ).all()
    assert pinned == [second.id]
    assert services.presenter_questions(event) == (second, [first])


def test_the_database_allows_only_one_pinned_question_per_event(app) -> None:
    event = qa_event()
    first, second = approved(event, "One?"), approved(event, "Two?")
    first.pinned = True
    db.session.commit()
    second.pinned = True
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_answering_or_rejecting_unpins(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    question = approved(event)
    services.pin_question(question, actor=organiser, now=NOW)
    services.mark_answered(question, actor=organiser, now=NOW)
    db.session.commit()
    assert question.pinned is False


def test_editing_records_that_it_happened_not_what_was_removed(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    question = asked(event, "Ring me on 07700 900123. How do I get an apprenticeship?")
    services.edit_question(question, "How do I get an apprenticeship?", actor=organiser, now=NOW)
    db.session.commit()
    assert question.body == "How do I get an apprenticeship?"
    assert question.flag_list == []
    assert question.edited_at == NOW
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "question.edited")
    ).all()
    assert len(entries) == 1
    assert entries[0].target_id == question.id
    assert entries[0].actor_id == organiser.id
    assert "phone" in entries[0].summary
    assert "07700" not in entries[0].summary
    assert "apprenticeship" not in entries[0].summary


def test_bulk_approve_skips_flagged_and_other_events_questions(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event, other = qa_event(), qa_event()
    clean = asked(event, "Clean one?")
    flagged = asked(event, "Email me: sam@example.org")
    elsewhere = asked(other, "Another event?")
    count = services.approve_questions(
        event, [clean.id, flagged.id, elsewhere.id], actor=organiser, now=NOW
    )
    db.session.commit()
    assert count == 1
    assert clean.status == QuestionStatus.APPROVED
    assert flagged.status == QuestionStatus.PENDING
    assert elsewhere.status == QuestionStatus.PENDING


def test_status_counts_list_every_state(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    asked(event)
    services.reject_question(asked(event), actor=organiser, now=NOW)
    approved(event)
    counts = services.status_counts(event)
    assert counts[QuestionStatus.PENDING] == 1
    assert counts[QuestionStatus.REJECTED] == 1
    assert counts[QuestionStatus.APPROVED] == 1
    assert counts[QuestionStatus.ANSWERED] == 0
    assert set(counts) == set(QuestionStatus)


def test_partners_moderate_only_their_own_events_and_only_when_allowed(app) -> None:
    partner = make_user(Role.PARTNER)
    theirs = qa_event(host=partner.organisation)
    question = asked(theirs)
    with pytest.raises(Forbidden):
        services.approve_question(question, actor=partner, now=NOW)
    theirs.partner_moderates = True
    services.approve_question(question, actor=partner, now=NOW)
    other = qa_event(partner_moderates=True)
    with pytest.raises(Forbidden):
        services.approve_question(asked(other), actor=partner, now=NOW)


def test_only_organisers_change_qa_settings(app) -> None:
    partner = make_user(Role.PARTNER)
    event = qa_event(host=partner.organisation, partner_moderates=True)
    with pytest.raises(Forbidden):
        services.update_qa_settings(
            event,
            enabled=True,
            askers=QuestionAskers.ANYONE,
            public_list=True,
            partner_moderates=True,
            actor=partner,
            now=NOW,
        )


# --- voting ------------------------------------------------------------------------------------


def test_one_vote_per_ticket_and_sorted_by_votes_then_age(app) -> None:
    event = qa_event()
    older, newer, newest = approved(event, "A?"), approved(event, "B?"), approved(event, "C?")
    first, second = make_registration(event), make_registration(event)
    services.vote_for_question(newest, voter_key=services.ticket_key(first))
    services.vote_for_question(newest, voter_key=services.ticket_key(second))
    services.vote_for_question(newer, voter_key=services.ticket_key(first))
    db.session.commit()
    with pytest.raises(NotAllowed, match="already voted"):
        services.vote_for_question(newest, voter_key=services.ticket_key(first))
    assert [q.vote_count for q in (older, newer, newest)] == [0, 1, 2]
    assert services.live_questions(event) == [newest, newer, older]
    assert services.voted_question_ids(event, services.ticket_key(first)) == {newer.id, newest.id}


def test_votes_only_for_approved_questions(app) -> None:
    event = qa_event()
    with pytest.raises(NotAllowed):
        services.vote_for_question(asked(event), voter_key="k" * 64)


def test_browser_votes_only_where_anyone_may_ask_and_the_list_is_public(app) -> None:
    with pytest.raises(NotAllowed):
        services.check_browser_voting(qa_event(qa_public_list=True))
    with pytest.raises(NotAllowed):
        services.check_browser_voting(qa_event(qa_askers=QuestionAskers.ANYONE))
    services.check_browser_voting(qa_event(qa_askers=QuestionAskers.ANYONE, qa_public_list=True))


# --- export ------------------------------------------------------------------------------------


def test_export_waits_for_the_end_of_the_event(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    with pytest.raises(NotAllowed):
        services.export_questions_csv(event, actor=organiser, now=NOW)


def test_export_is_formula_safe_and_has_no_identity(app) -> None:
    organiser = make_user(Role.ORGANISER)
    event = qa_event()
    registration = make_registration(event, first_name="Zebedee", email="zeb@example.com")
    dangerous = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"]
    for body in dangerous:
        question = approved(event, "placeholder", registration=registration, display_name="Zebedee")
        question.body = body  # written directly: asking strips leading tabs and returns
    db.session.commit()
    approved(event, "Plain question?", registration=registration)
    asked(event, "Still pending?")
    body = services.export_questions_csv(
        event, actor=organiser, now=event.ends_at + timedelta(minutes=1)
    )
    assert body.startswith(codecs.BOM_UTF8)  # so Excel reads every letter right
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Question", "Answered", "Votes", "Edited by a moderator"]
    bodies = [row[0] for row in rows[1:]]
    assert sorted(bodies) == sorted(["'" + body for body in dangerous] + ["Plain question?"])
    for secret in (
        "Zebedee",
        "zeb@example.com",
        registration.reference,
        registration.link_token,
        services.ticket_key(registration),
    ):
        assert secret not in text
    assert "Still pending?" not in text


# --- retention ---------------------------------------------------------------------------------


def test_purge_deletes_unpublished_questions_and_forgets_askers(app) -> None:
    past = qa_event(starts_at=NOW - timedelta(days=100))
    recent = qa_event()
    registration = make_registration(past)
    before = past.starts_at - timedelta(days=1)
    kept = approved(past, "Shown once", registration=registration, now=before)
    services.vote_for_question(kept, voter_key=services.ticket_key(registration))
    never_shown = asked(past, "Call me on 07700 900123", registration=registration, now=before)
    never_shown.status = QuestionStatus.REJECTED
    pending_elsewhere = asked(recent, "Still coming up?")
    db.session.commit()
    kept_id, never_shown_id = kept.id, never_shown.id

    assert services.purge_questions(older_than_days=90, now=NOW) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Question, never_shown_id) is None
    kept = db.session.get(Question, kept_id)
    assert kept.asker_key is None and kept.body == "Shown once"
    assert services.voted_question_ids(past, services.ticket_key(registration)) == set()
    assert db.session.get(Question, pending_elsewhere.id).asker_key is not None


def test_the_purge_command_also_purges_questions(app, runner) -> None:
    past = qa_event(starts_at=NOW - timedelta(days=100))
    asked(past, "Never shown", now=past.starts_at - timedelta(days=1))
    result = runner.invoke(args=["nclw", "purge", "--days", "90"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 questions that were never shown" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
