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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from nclw.errors import InvalidInput
from nclw.wording import number

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
        return str(_FEATURE_LABELS[self.value])

    @property
    def need(self) -> str:
        """As a person asks for it: "2 people need step-free access"."""
        return str(_FEATURE_NEEDS[self.value])


# Translated when read, one at a time: every sign-up form lists them all.
_FEATURE_LABELS = {
    "step_free": _l("Step-free access"),
    "quiet_room": _l("A quiet room"),
    "bsl": _l("British Sign Language (BSL) interpreter"),
    "captions": _l("Live captions"),
    "easy_read": _l("Easy Read materials"),
}
# For forms that offer the list: each label is read when the form is drawn, in its language.
ACCESS_CHOICES = tuple(_FEATURE_LABELS.items())
_FEATURE_NEEDS = {
    "step_free": _l("step-free access"),
    "quiet_room": _l("a quiet room"),
    "bsl": _l("a BSL interpreter"),
    "captions": _l("live captions"),
    "easy_read": _l("Easy Read materials"),
}


def access_list(stored: str | None) -> list[AccessFeature]:
    """The features a stored list names ("bsl,captions"), in the list's own order."""
    keys = set(filter(None, (stored or "").split(",")))
    return [feature for feature in AccessFeature if feature.value in keys]


def store_access(features: Collection[str]) -> str:
    """Features as stored; refuses one the list does not have."""
    unknown = set(features) - set(AccessFeature._value2member_map_)
    if unknown:
        raise InvalidInput(_("Choose access features from the list."))
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


def _missing(name: str) -> str:
    # One whole sentence for each detail, so a translator can word each one.
    return {"title": _("Enter the title."), "summary": _("Enter the summary.")}[name]


def _too_long(name: str, limit: int) -> str:
    limit_words = number(limit)
    return {
        "title": _("The title must be %(limit)s characters or fewer.", limit=limit_words),
        "summary": _("The summary must be %(limit)s characters or fewer.", limit=limit_words),
        "description": _(
            "The description must be %(limit)s characters or fewer.", limit=limit_words
        ),
        "title_cy": _("The Welsh title must be %(limit)s characters or fewer.", limit=limit_words),
        "summary_cy": _(
            "The Welsh summary must be %(limit)s characters or fewer.", limit=limit_words
        ),
        "description_cy": _(
            "The Welsh description must be %(limit)s characters or fewer.", limit=limit_words
        ),
        "highlights": _(
            "The list of what people will get must be %(limit)s characters or fewer.",
            limit=limit_words,
        ),
        "venue_name": _("The venue must be %(limit)s characters or fewer.", limit=limit_words),
        "address": _("The address must be %(limit)s characters or fewer.", limit=limit_words),
        "online_url": _(
            "The joining link must be %(limit)s characters or fewer.", limit=limit_words
        ),
    }[name]


def _hidden_characters(name: str) -> str:
    return {
        "title": _(
            "Type the title on one line, without hidden characters (like a line break pasted "
            "from another document)."
        ),
        "summary": _(
            "Type the summary on one line, without hidden characters (like a line break "
            "pasted from another document)."
        ),
        "description": _(
            "Type the description without hidden characters (like a line break pasted from "
            "another document)."
        ),
        "title_cy": _(
            "Type the Welsh title on one line, without hidden characters (like a line break "
            "pasted from another document)."
        ),
        "summary_cy": _(
            "Type the Welsh summary on one line, without hidden characters (like a line break "
            "pasted from another document)."
        ),
        "description_cy": _(
            "Type the Welsh description without hidden characters (like a line break pasted "
            "from another document)."
        ),
        "highlights": _(
            "Type the list of what people will get without hidden characters (like a line "
            "break pasted from another document)."
        ),
        "venue_name": _(
            "Type the venue on one line, without hidden characters (like a line break pasted "
            "from another document)."
        ),
        "address": _(
            "Type the address on one line, without hidden characters (like a line break "
            "pasted from another document)."
        ),
        "online_url": _(
            "Type the joining link on one line, without hidden characters (like a line break "
            "pasted from another document)."
        ),
    }[name]


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
            raise InvalidInput(_missing(name))
    for name, limit in TEXT_LIMITS.items():
        if name not in names:
            continue
        if len(details[name] or "") > limit:
            raise InvalidInput(_too_long(name, limit))
        if has_hidden_characters(details[name] or "", multiline=name in _MULTILINE):
            raise InvalidInput(_hidden_characters(name))
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
        raise InvalidInput(_("Enter the number of places as a whole number."))
    if not 1 <= capacity <= MAX_PLACES:
        raise InvalidInput(
            _(
                "Enter a number of places from 1 to %(most)s, or leave it empty for no limit.",
                most=number(MAX_PLACES),
            )
        )


def check_ages(youngest: int, oldest: int | None) -> None:
    """An age rule: from 16 (or older), up to an age no younger than that, or no upper limit."""
    for age in (youngest, oldest):
        if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
            raise InvalidInput(_("Enter ages as whole numbers of years."))
    if not YOUNGEST_AGE <= youngest <= OLDEST_AGE:
        raise InvalidInput(_("The youngest age must be %(age)s or more.", age=YOUNGEST_AGE))
    if oldest is not None and not youngest <= oldest <= OLDEST_AGE:
        raise InvalidInput(_("The oldest age must be the same as the youngest or more."))


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
        raise InvalidInput(_("Choose who may come, by age.")) from error


def age_rule_words(youngest: int, oldest: int | None) -> str:
    """'16 and over', '18 to 25': the rule as the public page says it."""
    if oldest is None:
        return _("%(youngest)s and over", youngest=youngest)
    if oldest == youngest:
        return _("%(age)s only", age=youngest)
    return _("%(youngest)s to %(oldest)s", youngest=youngest, oldest=oldest)


def age_question(youngest: int, oldest: int | None) -> str | None:
    """The one yes/no question sign-up asks for this rule, or None when it needs none.

    Never a date of birth: the answer is all the rule needs, and it is not kept. The week's
    own rule (16 and over, stated on every event page) asks nothing.
    """
    if youngest <= YOUNGEST_AGE and oldest is None:
        return None
    if oldest is None:
        return _("Are you %(youngest)s or over?", youngest=youngest)
    if youngest <= YOUNGEST_AGE:
        return _("Are you %(oldest)s or under?", oldest=oldest)
    if oldest == youngest:
        return _("Are you %(age)s?", age=youngest)
    return _("Are you aged %(youngest)s to %(oldest)s?", youngest=youngest, oldest=oldest)


def ready_to_publish_problem(details: Mapping[str, Any]) -> str | None:
    """What stops these details going on the site, or None: an in-person event needs a venue."""
    fmt = details.get("format")
    if fmt in ("in_person", "hybrid") and not (details.get("venue_name") or "").strip():
        return _("Add the venue before publishing an in-person event.")
    return None


def _check_link(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(
            _("Enter the joining link as a full web address, starting with https://")
        )


def _check_times(details: Mapping[str, Any]) -> None:
    starts, ends = details.get("starts_at"), details.get("ends_at")
    if starts is None or ends is None:
        raise InvalidInput(_("Enter when it starts and when it ends."))
    if ends <= starts:
        raise InvalidInput(_("The event must end after it starts."))
    opens = details.get("registration_opens_at")
    closes = details.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise InvalidInput(_("Sign-up must close after it opens."))
    # Sign-up always ends when the event starts, so a later time could never apply.
    if closes and closes > starts:
        raise InvalidInput(_("Sign-up must close by the time the event starts."))
    if opens and opens >= starts:
        raise InvalidInput(_("Sign-up must open before the event starts."))


def places_taken(taken: int, capacity: int | None) -> str:
    """How full an event is, in the same words on every page: "3 of 10 places taken"."""
    if capacity is None:
        return ngettext(
            "%(tickets)s ticket (no limit)",
            "%(tickets)s tickets (no limit)",
            taken,
            tickets=number(taken),
        )
    # English says "places" even for one ("1 of 1 places taken"); other languages count.
    return ngettext(
        "%(taken)s of %(places)s places taken",
        "%(taken)s of %(places)s places taken",
        capacity,
        taken=number(taken),
        places=number(capacity),
    )


def places_offered(capacity: int | None) -> str:
    """How many places an event offers: "20 places", "1 place" or "No limit"."""
    if capacity is None:
        return _("No limit")
    return ngettext("%(places)s place", "%(places)s places", capacity, places=number(capacity))
