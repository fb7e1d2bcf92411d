"""Event details: the one set of rules for what an event (or a partner's session) says.

Organisers' events, partners' proposals and the sessions partners run are all checked here,
so a title, a time, a joining link or a number of places means the same thing on every path.
Pure: no database, no request.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from nclw.errors import InvalidInput

# What people see about an event, wherever it was written. A proposal stores these too, so a
# reviewer compares like with like and approving it copies them across unchanged.
DETAIL_FIELDS = (
    "title",
    "summary",
    "description",
    # The same words in Welsh, for Welsh pages (events.localised): each may be left empty.
    "title_cy",
    "summary_cy",
    "description_cy",
    "highlights",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "address",
    "online_url",
    "capacity",
    "audience",
    "min_age",
    "max_age",
    "access_features",
)
# The details written in Welsh too (events.localised), each optional.
WELSH_FIELDS = ("title_cy", "summary_cy", "description_cy")


class AccessFeature(enum.StrEnum):
    """What an event offers for access, and what a person can ask for at sign-up: the same
    list, so organisers can match one to the other and partners can be told how many need each.
    """

    STEP_FREE = "step_free"
    QUIET_ROOM = "quiet_room"
    BSL = "bsl"
    CAPTIONS = "captions"
    EASY_READ = "easy_read"

    @property
    def label(self) -> str:
        """As an event offers it."""
        return {
            "step_free": "Step-free access",
            "quiet_room": "A quiet room",
            "bsl": "British Sign Language (BSL) interpreter",
            "captions": "Live captions",
            "easy_read": "Easy Read materials",
        }[self.value]

    @property
    def need(self) -> str:
        """As a person asks for it: "2 people need step-free access"."""
        return {
            "step_free": "step-free access",
            "quiet_room": "a quiet room",
            "bsl": "a BSL interpreter",
            "captions": "live captions",
            "easy_read": "Easy Read materials",
        }[self.value]


def access_list(stored: str | None) -> list[AccessFeature]:
    """The features a stored list names ("bsl,captions"), in the list's own order."""
    keys = set(filter(None, (stored or "").split(",")))
    return [feature for feature in AccessFeature if feature.value in keys]


def store_access(features: Collection[str]) -> str:
    """Features as stored; refuses one the list does not have."""
    unknown = set(features) - set(AccessFeature._value2member_map_)
    if unknown:
        raise InvalidInput("Choose access features from the list.")
    return ",".join(feature.value for feature in AccessFeature if feature.value in features)


#: Nobody under 16 comes to the week: its events are for care leavers (16 to 25) and the
#: adults who work with them. Every event is "16 and over" unless it says more.
YOUNGEST_AGE = 16
OLDEST_AGE = 99

#: The age rules an organiser or partner picks from: (youngest, oldest or None).
AGE_RULES: dict[str, tuple[int, int | None]] = {
    "16+": (16, None),
    "18+": (18, None),
    "16-25": (16, 25),
    "18-25": (18, 25),
}

#: The most places an event can offer. No event in the week comes near it; anything bigger is
#: a typing slip, and an unbounded number would overflow the database column.
MAX_PLACES = 10_000

#: Longest text for each detail, in characters (the database columns fit these).
TEXT_LIMITS = {
    "title": 160,
    "summary": 300,
    "description": 5000,
    "title_cy": 160,
    "summary_cy": 300,
    "description_cy": 5000,
    "highlights": 2000,
    "venue_name": 160,
    "address": 300,
    "online_url": 500,
}

# How each detail is named in a message.
_NAMES = {
    "title": "title",
    "summary": "summary",
    "description": "description",
    "title_cy": "Welsh title",
    "summary_cy": "Welsh summary",
    "description_cy": "Welsh description",
    "highlights": "list of what people will get",
    "venue_name": "venue",
    "address": "address",
    "online_url": "joining link",
}
_REQUIRED = ("title", "summary")
# Text people write over several lines; everything else is one line.
_MULTILINE = ("description", "description_cy", "highlights")
# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. None has a
# place in a title or a link, and a line break in a link ends up in a header or an invite.
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HIDDEN_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def has_hidden_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether text holds characters nobody means to type (a line break, on one line)."""
    return bool((_HIDDEN_MULTILINE if multiline else _HIDDEN).search(text))


def check_details(details: Mapping[str, Any], *, changed: Collection[str] | None = None) -> None:
    """Refuse details that break a rule, with a message fit to show the person who typed them.

    `details` is the whole event as it would be saved. `changed` names the details being set
    now (all of them when left out): only those are held to the rules for a single value, so
    an event saved under an older rule can still be edited; the time order is always checked.
    """
    names = set(details) if changed is None else set(changed) & set(details)
    for name in _REQUIRED:
        if name in names and not (details[name] or "").strip():
            raise InvalidInput(f"Enter the {_NAMES[name]}.")
    for name, limit in TEXT_LIMITS.items():
        if name not in names:
            continue
        if len(details[name] or "") > limit:
            raise InvalidInput(f"The {_NAMES[name]} must be {limit:,} characters or fewer.")
        if has_hidden_characters(details[name] or "", multiline=name in _MULTILINE):
            where = "" if name in _MULTILINE else " on one line,"
            raise InvalidInput(
                f"Type the {_NAMES[name]}{where} without hidden characters (like a line break "
                "pasted from another document)."
            )
    if "capacity" in names:
        check_places(details["capacity"])
    if "access_features" in names:
        store_access(list(filter(None, (details["access_features"] or "").split(","))))
    if names & {"min_age", "max_age"}:
        check_ages(details.get("min_age", YOUNGEST_AGE), details.get("max_age"))
    if "online_url" in names and details["online_url"]:
        _check_link(details["online_url"])
    _check_times(details)


def check_places(capacity: int | None) -> None:
    """Places are a whole number from 1 to 10,000, or None for no limit."""
    if capacity is None:
        return
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise InvalidInput("Enter the number of places as a whole number.")
    if not 1 <= capacity <= MAX_PLACES:
        raise InvalidInput(
            f"Enter a number of places from 1 to {MAX_PLACES:,}, or leave it empty for no limit."
        )


def check_ages(youngest: int, oldest: int | None) -> None:
    """An age rule: from 16 (or older), up to an age no younger than that, or no upper limit."""
    for age in (youngest, oldest):
        if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
            raise InvalidInput("Enter ages as whole numbers of years.")
    if not YOUNGEST_AGE <= youngest <= OLDEST_AGE:
        raise InvalidInput(f"The youngest age must be {YOUNGEST_AGE} or more.")
    if oldest is not None and not youngest <= oldest <= OLDEST_AGE:
        raise InvalidInput("The oldest age must be the same as the youngest or more.")


def age_rule_key(youngest: int, oldest: int | None) -> str:
    """How a form names an age rule: '18+', '18-25'."""
    return f"{youngest}+" if oldest is None else f"{youngest}-{oldest}"


def parse_age_rule(key: str) -> tuple[int, int | None]:
    """The rule a form's key names; refuses anything else."""
    try:
        if key.endswith("+"):
            return int(key[:-1]), None
        youngest, oldest = key.split("-")
        return int(youngest), int(oldest)
    except ValueError as error:
        raise InvalidInput("Choose who may come, by age.") from error


def age_rule_words(youngest: int, oldest: int | None) -> str:
    """'16 and over', '18 to 25': the rule as the public page says it."""
    if oldest is None:
        return f"{youngest} and over"
    if oldest == youngest:
        return f"{youngest} only"
    return f"{youngest} to {oldest}"


def age_question(youngest: int, oldest: int | None) -> str | None:
    """The one yes/no question sign-up asks for this rule, or None when it needs none.

    Never a date of birth: the answer is all the rule needs, and it is not kept. The week's
    own rule (16 and over, stated on every event page) asks nothing.
    """
    if youngest <= YOUNGEST_AGE and oldest is None:
        return None
    if oldest is None:
        return f"Are you {youngest} or over?"
    if youngest <= YOUNGEST_AGE:
        return f"Are you {oldest} or under?"
    if oldest == youngest:
        return f"Are you {youngest}?"
    return f"Are you aged {youngest} to {oldest}?"


def ready_to_publish_problem(details: Mapping[str, Any]) -> str | None:
    """What stops these details going on the site, or None: an in-person event needs a venue."""
    fmt = details.get("format")
    if fmt in ("in_person", "hybrid") and not (details.get("venue_name") or "").strip():
        return "Add the venue before publishing an in-person event."
    return None


def _check_link(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput("Enter the joining link as a full web address, starting with https://")


def _check_times(details: Mapping[str, Any]) -> None:
    starts, ends = details.get("starts_at"), details.get("ends_at")
    if starts is None or ends is None:
        raise InvalidInput("Enter when it starts and when it ends.")
    if ends <= starts:
        raise InvalidInput("The event must end after it starts.")
    opens = details.get("registration_opens_at")
    closes = details.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise InvalidInput("Sign-up must close after it opens.")
    # Sign-up always ends when the event starts, so a later time could never apply.
    if closes and closes > starts:
        raise InvalidInput("Sign-up must close by the time the event starts.")
    if opens and opens >= starts:
        raise InvalidInput("Sign-up must open before the event starts.")


def places_taken(taken: int, capacity: int | None) -> str:
    """How full an event is, in the same words on every page: "3 of 10 places taken"."""
    if capacity is None:
        return f"{taken:,} {'ticket' if taken == 1 else 'tickets'} (no limit)"
    return f"{taken:,} of {capacity:,} places taken"


def places_offered(capacity: int | None) -> str:
    """How many places an event offers: "20 places", "1 place" or "No limit"."""
    if capacity is None:
        return "No limit"
    return f"{capacity:,} {'place' if capacity == 1 else 'places'}"
