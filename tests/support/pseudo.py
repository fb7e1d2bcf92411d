"""The pseudo-locale: every translated string wrapped in ⟪ ⟫, to find text that escaped.

`pseudo_app` renders everything in English wrapped in markers (tools/translations.py writes
the catalogue from the code as it is now). `untranslated(html, allowed=...)` lists the
visible text outside any marker: a test renders a page or an email and asserts it is empty.
Data the test itself put on the page (an event's title, a person's name, a reference) is
passed as `allowed`; dates, numbers and punctuation are always allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog

from nclw.i18n import LANGUAGES
from tools.translations import PSEUDO_CLOSE, PSEUDO_OPEN, extract, pseudo

_DATE_WORDS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
# Never translated: the site's own name and each language's name for itself (the switch).
ALWAYS_ALLOWED = ("NCLW Events", *(language.name for language in LANGUAGES.values()))
_VISIBLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_LETTER = re.compile(r"[^\W\d_]")


def write_pseudo_catalogue(directory: Path) -> Path:
    """The pseudo catalogue from the code as it is now, in `directory`."""
    return pseudo(directory, extracted())


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []  # attributes, each on its own
        self.text: list[str] = []  # text nodes, in order: a string's markers may span tags
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attributes = dict(attrs)
        for name in _VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.pieces.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def visible_text(html: str) -> list[str]:
    """The text a person sees or hears on a page: its text (as one piece, since a
    translated sentence may hold a link) and each attribute that is read out."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return ["\n".join(parser.text), *parser.pieces]


def outside_markers(text: str) -> str:
    """The parts of `text` not inside any ⟪ ⟫ pair (markers nest)."""
    depth, kept = 0, []
    for char in text:
        if char == PSEUDO_OPEN:
            depth += 1
            kept.append(" ")
        elif char == PSEUDO_CLOSE:
            depth = max(depth - 1, 0)
            kept.append(" ")
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def untranslated(content: str, allowed: Iterable[str] = (), *, html: bool = True) -> list[str]:
    """Every stretch of visible text with a letter in it that no marker covers."""
    pieces = visible_text(content) if html else [content]
    known = sorted({*allowed, *ALWAYS_ALLOWED}, key=len, reverse=True)
    found = []
    for piece in pieces:
        rest = outside_markers(piece)
        for text in known:
            if text:
                rest = rest.replace(text, " ")
        rest = re.sub(r"\b(" + "|".join(_DATE_WORDS) + r")\b", " ", rest)
        # Addresses and links are data, not words.
        rest = re.sub(r"\S+@\S+|https?://\S+|\b[A-Z0-9]{4,}-[A-Z0-9-]+\b", " ", rest)
        found.extend(" ".join(line.split()) for line in rest.splitlines() if _LETTER.search(line))
    return found


@cache
def extracted() -> Catalog:
    """Every translatable string in the code and templates (`tools.translations.extract`),
    read once per test process: reading them takes most of a second. Read it, never change
    it: the tests that use it share it."""
    return extract()
