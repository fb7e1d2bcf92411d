"""The one set of rules for an event's details, whoever writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nclw.errors import InvalidInput
from nclw.events.details import (
    MAX_PLACES,
    TEXT_LIMITS,
    check_details,
    check_places,
    places_offered,
    places_taken,
    ready_to_publish_problem,
)

STARTS = datetime(2030, 10, 28, 16, tzinfo=UTC)


def _details(**changes) -> dict:
    return {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "description": "",
        "highlights": "",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=1),
        "format": "online",
        "venue_name": None,
        "address": None,
        "online_url": "https://meet.example.org/cv",
        "capacity": 20,
        "audience": "everyone",
    } | changes


def test_good_details_pass():
    check_details(_details())
    check_details(_details(capacity=None))
    check_details(_details(capacity=1))
    check_details(_details(capacity=MAX_PLACES))


@pytest.mark.parametrize("capacity", [0, -1, MAX_PLACES + 1, 3_000_000_000, 10**20])
def test_places_outside_1_to_10000_are_refused(capacity):
    with pytest.raises(InvalidInput, match="from 1 to 10,000"):
        check_details(_details(capacity=capacity))


@pytest.mark.parametrize("capacity", [True, 2.5, "20"])
def test_places_must_be_a_whole_number(capacity):
    with pytest.raises(InvalidInput, match="whole number"):
        check_places(capacity)


@pytest.mark.parametrize("name", sorted(TEXT_LIMITS))
def test_every_text_has_one_limit(name):
    limit = TEXT_LIMITS[name]
    value = "https://x.example/" + "a" * (limit - 18) if name == "online_url" else "a" * limit
    check_details(_details(**{name: value}))
    with pytest.raises(InvalidInput, match=f"{limit:,} characters or fewer"):
        check_details(_details(**{name: value + "a"}))


@pytest.mark.parametrize("name", ["title", "summary"])
def test_title_and_summary_are_needed(name):
    with pytest.raises(InvalidInput, match="Enter the"):
        check_details(_details(**{name: "   "}))


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "meet.example.org/cv", "ftp://example.org/x", "https://"]
)
def test_a_joining_link_is_a_web_address(link):
    with pytest.raises(InvalidInput, match="full web address"):
        check_details(_details(online_url=link))


def test_times_in_order():
    with pytest.raises(InvalidInput, match="end after it starts"):
        check_details(_details(ends_at=STARTS))
    with pytest.raises(InvalidInput, match="close by the time the event starts"):
        check_details(_details(registration_closes_at=STARTS + timedelta(minutes=1)))


def test_only_the_details_being_changed_meet_single_value_rules():
    # An event saved before the rule (0 places) can still have its title changed...
    old = _details(capacity=0)
    check_details(old | {"title": "New title"}, changed={"title"})
    # ...but not be given a bad number of places, and times are always checked.
    with pytest.raises(InvalidInput):
        check_details(old, changed={"capacity"})
    with pytest.raises(InvalidInput, match="end after it starts"):
        check_details(old | {"ends_at": STARTS}, changed={"title"})


def test_in_person_needs_a_venue_before_it_goes_on_the_site():
    assert ready_to_publish_problem(_details(format="in_person")) is not None
    assert ready_to_publish_problem(_details(format="hybrid", venue_name=" ")) is not None
    assert ready_to_publish_problem(_details(format="in_person", venue_name="Hall")) is None
    assert ready_to_publish_problem(_details()) is None


def test_capacity_is_worded_one_way():
    assert places_taken(3, 10) == "3 of 10 places taken"
    assert places_taken(1, None) == "1 ticket (no limit)"
    assert places_taken(1200, None) == "1,200 tickets (no limit)"
    assert places_offered(None) == "No limit"
    assert places_offered(1) == "1 place"
    assert places_offered(10_000) == "10,000 places"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("online_url", "https://meet.example.org/room\nabc"),
        ("online_url", "https://meet.example.org/room\r\nBcc: x@example.org"),
        ("online_url", "https://meet.example.org/\x00room"),
        ("title", "CV\u2028clinic"),
        ("venue_name", "Town\tHall"),
        ("summary", "Bring\x85your CV."),
        ("description", "Line one\x07"),
    ],
)
def test_hidden_characters_are_refused_wherever_details_are_written(name, value):
    with pytest.raises(InvalidInput, match="without hidden characters"):
        check_details(_details(**{name: value}))


def test_written_text_keeps_its_line_breaks_and_tabs():
    check_details(_details(description="Line one\r\nLine two\n\tIndented", highlights="A\nB"))
