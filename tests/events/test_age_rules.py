"""Age rules: the public page says who may come, and sign-up asks one yes/no question."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.errors import InvalidInput
from nclw.events.details import age_question, age_rule_words, check_ages, parse_age_rule
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations.models import Registration
from tests.conftest import login
from tests.factories import make_edition, make_event, make_organisation, make_user


@pytest.mark.parametrize(
    ("youngest", "oldest", "words", "question"),
    [
        (16, None, "16 and over", None),
        (18, None, "18 and over", "Are you 18 or over?"),
        (16, 25, "16 to 25", "Are you 25 or under?"),
        (18, 25, "18 to 25", "Are you aged 18 to 25?"),
        (21, 21, "21 only", "Are you 21?"),
    ],
)
def test_each_rule_in_words_and_its_one_question(youngest, oldest, words, question):
    check_ages(youngest, oldest)
    assert age_rule_words(youngest, oldest) == words
    assert age_question(youngest, oldest) == question


@pytest.mark.parametrize(
    ("youngest", "oldest", "message"),
    [
        (15, None, "16 or more"),
        (18, 17, "the same as the youngest or more"),
        (16, 100, "the same as the youngest or more"),
        (True, None, "whole numbers"),
        ("18", None, "whole numbers"),
    ],
)
def test_impossible_rules_are_refused(youngest, oldest, message):
    with pytest.raises(InvalidInput, match=message):
        check_ages(youngest, oldest)


def test_a_forms_key_that_names_no_rule_is_refused():
    assert parse_age_rule("18-25") == (18, 25) and parse_age_rule("16+") == (16, None)
    with pytest.raises(InvalidInput):
        parse_age_rule("adults")


def _people(event) -> list[Registration]:
    return list(
        db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id))
    )


def test_an_18_and_over_event_says_so_and_asks_once(app, client):
    event = make_event(min_age=18, title="Careers drinks")
    everyone = make_event(title="Open day")
    db.session.commit()
    page = client.get(f"/events/{event.slug}").text
    assert "<dt>Ages</dt><dd>18 and over</dd>" in page
    week = client.get("/").text
    assert "Ages 18 and over" in week and "Ages 16 and over" not in week
    assert "Are you 18 or over?" in client.get(f"/events/{event.slug}/register").text
    assert "Your age" not in client.get(f"/events/{everyone.slug}/register").text
    assert "Are you" not in client.get(f"/events/{everyone.slug}/register").text

    details = {"first_name": "Kai", "email": "kai@example.com"}
    unanswered = client.post(f"/events/{event.slug}/register", data=details)
    assert unanswered.status_code == 400
    assert "Answer the question about your age" in unanswered.text
    too_young = client.post(
        f"/events/{event.slug}/register", data={**details, "age_confirmed": "no"}
    )
    assert too_young.status_code == 400
    assert "This event is for people aged 18 and over, so we cannot give you a place" in (
        too_young.text
    )
    # What they typed stays, and nothing was kept.
    assert 'value="kai@example.com"' in too_young.text
    assert _people(event) == []
    signed_up = client.post(
        f"/events/{event.slug}/register", data={**details, "age_confirmed": "yes"}
    )
    assert signed_up.status_code == 200 and "Check your email" in signed_up.text
    assert len(_people(event)) == 1


def test_the_organisers_choose_the_rule_and_an_unusual_one_survives_an_edit(app, client):
    login(client, make_user(Role.ORGANISER))
    week, host = make_edition(), make_organisation()
    event = make_event(edition=week, host=host, min_age=17, max_age=19)
    db.session.commit()
    form = client.get(f"/admin/events/{event.id}/edit").text
    assert '<option selected value="17-19">17 to 19</option>' in form
    # Saved without touching the ages, the rule stays as it was.
    data = {
        "title": event.title,
        "summary": event.summary,
        "host_id": host.id,
        "edition_id": week.id,
        "starts_at": "2026-10-28T16:00",
        "ends_at": "2026-10-28T17:30",
        "format": "online",
        "online_url": "https://meet.example.org/room",
        "audience": "everyone",
        "age_rule": "17-19",
    }
    client.post(f"/admin/events/{event.id}/edit", data={**data, "confirmed": "yes"})
    db.session.expire_all()
    assert (db.session.get(Event, event.id).min_age, event.max_age) == (17, 19)
    client.post(
        f"/admin/events/{event.id}/edit", data={**data, "age_rule": "18-25", "confirmed": "yes"}
    )
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert (saved.min_age, saved.max_age) == (18, 25)
    assert "18 to 25" in client.get(f"/admin/events/{event.id}").text


def test_the_api_gives_the_rule(app, client):
    event = make_event(min_age=18, max_age=25)
    db.session.commit()
    ages = client.get(f"/api/events/{event.slug}").get_json()["ages"]
    assert ages == {"min": 18, "max": 25, "in_words": "18 to 25"}
