"""The week page's filters show every event a person could go to, and only those."""

from __future__ import annotations

from itertools import product

import pytest
from werkzeug.datastructures import MultiDict

from nclw.events import services
from nclw.events.filters import (
    AUDIENCE_CHOICES,
    FORMAT_CHOICES,
    WeekFilters,
    asked_questions,
    choices_for,
)
from nclw.events.models import Audience, EventFormat
from nclw.timezones import utcnow
from tests.factories import make_edition, make_event

ONLINE, IN_PERSON, HYBRID = EventFormat.ONLINE, EventFormat.IN_PERSON, EventFormat.HYBRID
YOUNG, PROS, EVERYONE = Audience.CARE_EXPERIENCED, Audience.PROFESSIONALS, Audience.EVERYONE


@pytest.fixture
def every_kind(app) -> dict[tuple[EventFormat, Audience], str]:
    """One event of every format for every audience, by (format, audience)."""
    edition = make_edition()
    events = {}
    for fmt, audience in product(EventFormat, Audience):
        event = make_event(
            edition=edition, format=fmt, audience=audience, title=f"{fmt.value} {audience.value}"
        )
        events[(fmt, audience)] = event.title
    return events


def _shown(edition_events, **args) -> set[tuple[EventFormat, Audience]]:
    by_title = {title: kind for kind, title in edition_events.items()}
    edition = services.current_edition(today=utcnow().date())
    filters = WeekFilters.from_args(MultiDict(args))
    return {by_title[event.title] for event in services.published_events(edition, filters)}


def _kinds(formats, audiences) -> set[tuple[EventFormat, Audience]]:
    return set(product(formats, audiences))


@pytest.mark.parametrize(
    ("args", "formats", "audiences"),
    [
        ({}, EventFormat, Audience),
        # Online shows what can be joined online: online-only and both ways.
        ({"format": "online"}, {ONLINE, HYBRID}, Audience),
        ({"format": "in_person"}, {IN_PERSON, HYBRID}, Audience),
        # No longer offered, but links to it still work.
        ({"format": "hybrid"}, {HYBRID}, Audience),
        # An audience sees its own events and the events for everyone.
        ({"audience": "care_experienced"}, EventFormat, {YOUNG, EVERYONE}),
        ({"audience": "professionals"}, EventFormat, {PROS, EVERYONE}),
        ({"audience": "everyone"}, EventFormat, {EVERYONE}),
        # The link shared in the wild: both rules at once.
        ({"format": "online", "audience": "care_experienced"}, {ONLINE, HYBRID}, {YOUNG, EVERYONE}),
        (
            {"format": "in_person", "audience": "professionals"},
            {IN_PERSON, HYBRID},
            {PROS, EVERYONE},
        ),
        # Unknown values are no filter.
        ({"format": "<script>", "audience": "999"}, EventFormat, Audience),
    ],
)
def test_each_filter_shows_exactly_the_events_people_can_go_to(
    every_kind, args, formats, audiences
):
    assert _shown(every_kind, **args) == _kinds(formats, audiences)


def test_the_choices_speak_as_the_people_looking_and_never_offer_everyone():
    labels = [choice.label for choice in AUDIENCE_CHOICES]
    assert labels == ["I'm a care-experienced young person", "I work with care leavers"]
    assert EVERYONE.value not in {choice.value for choice in AUDIENCE_CHOICES}
    assert [choice.value for choice in FORMAT_CHOICES] == ["online", "in_person"]


def test_the_page_asks_each_filter_as_a_question_with_what_the_address_chose():
    format_asked, audience_asked = asked_questions(
        WeekFilters.from_args(MultiDict({"format": "online", "audience": "everyone"}))
    )
    assert (format_asked.question.question, format_asked.chosen) == (
        "How do you want to take part?",
        "online",
    )
    assert audience_asked.question.question == "Who is it for?"
    # An old link's "everyone" is shown as chosen, though the page no longer offers it.
    assert audience_asked.chosen == "everyone"
    assert [choice.value for choice in audience_asked.choices][-1] == "everyone"
    assert [asked.chosen for asked in asked_questions(WeekFilters())] == ["", ""]


def test_an_old_links_choice_stays_in_the_list_so_the_list_shows_the_filter():
    assert choices_for(AUDIENCE_CHOICES, None) == list(AUDIENCE_CHOICES)
    assert choices_for(AUDIENCE_CHOICES, YOUNG) == list(AUDIENCE_CHOICES)
    with_everyone = choices_for(AUDIENCE_CHOICES, EVERYONE)
    assert [choice.value for choice in with_everyone][-1] == "everyone"
    assert [choice.value for choice in choices_for(FORMAT_CHOICES, HYBRID)][-1] == "hybrid"
