"""Spotting contact details in a question, so a moderator can take them out before approving.

Deliberately generous: a false alarm costs a moderator a glance, a miss can put a young
person's phone number on a projector.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_EMAIL = re.compile(
    r"[\w.+'-]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\sdot\s)\s*[\w-]+)*\s*(?:\.|\(dot\)|\sdot\s)\s*(?:com|org|net|uk|co|io|me|ac|gov|nhs|edu)\b",
    re.I,
)
_PLAIN_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")
# UK numbers (07..., 01..., 02..., 0800..., +44 ...) written with any spacing or punctuation,
# and any other long run of digits.
_PHONE = re.compile(r"(?:\+\s*44|\b0)(?:[\s().-]*\d){9,10}\b|(?:\d[\s().-]*){10,}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|crescent|place|terrace|"
    "gardens|grove|square|hill|row|walk|mews|estate|house|flats?|parade|view|rise"
)
_ADDRESS = re.compile(
    rf"\b(?:flat\s+\d+\w?|\d{{1,4}}[a-z]?,?\s+(?:[a-z'-]+\s+){{1,3}}(?:{_STREET_WORDS}))\b", re.I
)
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|org\.uk|uk|io|ly|me|gg|tv|app|link)\b(?:/\S*)?",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w.@])@[a-z0-9_.]{2,30}\b", re.I)

KINDS = {
    "email": _l("an email address"),
    "phone": _l("a phone number"),
    "postcode": _l("a postcode"),
    "address": _l("a street address"),
    "link": _l("a link"),
    "handle": _l("a social media name"),
}


def find_personal_details(text: str) -> list[str]:
    """The kinds of contact detail the text seems to contain, in a fixed order."""
    found: list[str] = []
    has_email = bool(_EMAIL.search(text) or _PLAIN_EMAIL.search(text))
    checks = {
        "email": has_email,
        "phone": bool(_PHONE.search(text)),
        "postcode": bool(_POSTCODE.search(text)),
        "address": bool(_ADDRESS.search(text)),
        # An email address's domain is not a second problem.
        "link": bool(_LINK.search(_PLAIN_EMAIL.sub(" ", text))),
        "handle": not has_email and bool(_HANDLE.search(text)),
    }
    for kind, present in checks.items():
        if present:
            found.append(kind)
    return found


def describe(kinds: list[str]) -> str:
    """Plain words for a list of kinds: "a phone number and a postcode"."""
    words = [str(KINDS[kind]) for kind in kinds if kind in KINDS]
    if len(words) <= 1:
        return "".join(words)
    # Translators: the comma between kinds of detail in a list ("a link, a postcode and ...").
    comma = _(", ")
    # Translators: the end of a list of kinds of detail ("a link, a postcode and a phone number").
    return _("%(earlier)s and %(last)s", earlier=comma.join(words[:-1]), last=words[-1])
