"""What a sign-up reads: the event asks, in the same statement, whether it has time slots and
questions, so an event with neither costs no query for either; the service still asks about
the slots itself, so a slot added meanwhile is never skipped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import render_template

from nclw.errors import InvalidInput
from nclw.events.details import AccessFeature
from nclw.events.models import Audience
from nclw.extensions import db
from nclw.registrations import services
from nclw.registrations.forms import sign_up_form_for
from nclw.registrations.sign_up_details import SignUpDetails
from nclw.registrations.sign_up_pages import public_event_or_404
from nclw.registrations.sign_up_questions import QuestionKind, SignUpQuestion
from nclw.registrations.slot_models import EventSlot
from nclw.timezones import utcnow
from tests.factories import make_event
from tests.security.test_week_cache import count_queries


def _sign_up(client, event, email: str, **fields) -> int:
    data = {"first_name": "Sam", "email": email, **fields}
    return client.post(f"/events/{event.slug}/register", data=data).status_code


def _reads_of(statements: list[str], table: str) -> int:
    """Statements that read `table` itself (not in a subquery of another table's read)."""
    return sum(1 for s in statements if s.lstrip().startswith(f"SELECT {table}."))


# Whether one event has slots, as the service asks (its id a number; not the event's read).
_ASKS_FOR_SLOTS = (
    r"SELECT EXISTS \(SELECT \*\s+FROM event_slots\s+WHERE event_slots\.event_id = \d+\)"
)


def _slot(event) -> EventSlot:
    start = event.starts_at
    slot = EventSlot(event_id=event.id, starts_at=start, ends_at=start + timedelta(minutes=20))
    db.session.add(slot)
    return slot


def test_an_event_without_slots_or_questions_reads_neither_for_its_form(app, client):
    event = make_event(capacity=5)
    assert _sign_up(client, event, "first@example.org") == 200
    with count_queries() as statements:
        assert _sign_up(client, event, "second@example.org") == 200
    # The event's own read says there are none; the service's check only asks whether
    # there are any (a slot added meanwhile is still found), and reads none.
    assert _reads_of(statements, "sign_up_questions") == 0, statements
    assert _reads_of(statements, "event_slots") == 0, statements
    asked = [s for s in statements if re.match(_ASKS_FOR_SLOTS, s.lstrip())]
    assert len(asked) == 1, statements
    event_reads = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM events" in s]
    assert len(event_reads) == 1, statements


def test_an_event_with_slots_and_questions_still_asks_for_them(app, client):
    event = make_event(capacity=5)
    slot = _slot(event)
    question = SignUpQuestion(
        event_id=event.id,
        kind=QuestionKind.SHORT_TEXT,
        label="What job would you like?",
        why_we_ask="So the recruiter can prepare.",
        required=True,
    )
    db.session.add(question)
    db.session.commit()
    slot_id, question_id = slot.id, question.id
    form = client.get(f"/events/{event.slug}/register").text
    assert "What job would you like?" in form and 'name="slot_id"' in form
    with count_queries() as statements:
        assert _sign_up(client, event, "no-answer@example.org", slot_id=str(slot_id)) == 400
    assert _reads_of(statements, "sign_up_questions") == 1, statements
    answered = {"slot_id": str(slot_id), f"question_{question_id}": "Engineer"}
    assert _sign_up(client, event, "answered@example.org", **answered) == 200


def test_a_slot_added_after_the_event_was_read_is_still_checked(app):
    event = make_event(capacity=5)
    with app.test_request_context():
        loaded = public_event_or_404(event.slug)
        assert loaded.has_slots is False and loaded.asks_questions is False
        # An organiser adds the event's first time while this sign-up is under way.
        _slot(loaded)
        db.session.flush()
        details = SignUpDetails(first_name="Sam", email="sam@example.org")
        with pytest.raises(InvalidInput, match="Choose a time"):
            services.register(loaded, details, now=utcnow())
        db.session.rollback()


def test_an_event_loaded_elsewhere_is_read_as_before(app):
    # Loaded without asking (a factory, another page): nothing is assumed about it.
    event = make_event(capacity=5)
    assert event.has_slots is None and event.asks_questions is None
    _slot(event)
    db.session.commit()
    with app.test_request_context():
        assert "slot_id" in sign_up_form_for(event)


def test_events_of_one_shape_share_a_form_that_has_only_their_fields(app):
    # The form's class is made once for each shape of event (who it is for, whether it takes
    # questions and supporters): a sign-up no longer makes every field to delete most.
    plain = make_event(audience=Audience.EVERYONE, qa_enabled=False, supporters_allowed=False)
    twin = make_event(audience=Audience.EVERYONE, qa_enabled=False, supporters_allowed=False)
    pros = make_event(audience=Audience.PROFESSIONALS, qa_enabled=True, supporters_allowed=True)
    db.session.commit()
    with app.test_request_context():
        first, second, third = (sign_up_form_for(event) for event in (plain, twin, pros))
        page = render_template("registrations/form.html", event=plain, form=first)
    assert type(first) is type(second) and type(first) is not type(third)
    asked_of_some = {
        "declared_care_experienced",
        "organisation_name",
        "job_role",
        "first_question",
        "supporter_first_name",
        "supporter_role",
        "age_confirmed",
        "slot_id",
    }
    assert asked_of_some.isdisjoint(first._fields), list(first._fields)
    for_professionals = {"organisation_name", "job_role", "first_question", "supporter_role"}
    assert for_professionals <= set(third._fields)
    assert not any(f'name="{name}"' in page for name in asked_of_some)
    # Each form still has its own host's name and every access need to choose from.
    assert plain.host.name in str(first.share_with_host.label.text)
    assert pros.host.name in str(third.share_with_host.label.text)
    assert [choice.value for choice in first.access_requests.choices] == [
        feature.value for feature in AccessFeature
    ]
    assert "Step-free access" in page
