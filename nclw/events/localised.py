"""An event's own words in the page's language: the one rule for which text shows.

Organisers and partners may write a title, summary and description in Welsh too. A Welsh
page (or a Welsh ticket's email) shows the Welsh where it was written; anywhere else, and
where it was not, it shows the English, marked `lang="en"` on a page in another language, so
a screen reader reads it with English sounds. There is no Arabic event text: an Arabic page
shows the English, marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from markupsafe import Markup, escape

from nclw.i18n import DEFAULT, current_language, written_in

# The event texts that may have a translation, and the languages they may have one in.
TEXT_FIELDS = ("title", "summary", "description")
TRANSLATED_INTO = ("cy",)
# How text in the site's own language is marked on a page in another language.
SOURCE_LANG = DEFAULT


@dataclass(frozen=True)
class LocalText:
    """Text to show, and the language to mark it with (None: it is in the page's language)."""

    text: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def translated_field(field: str, language: str) -> str:
    """The column holding a text in a language: 'title_cy' for ('title', 'cy')."""
    return f"{field}_{language}"


def event_text(event: Any, field: str, language: str | None = None) -> LocalText:
    """An event's title, summary or description for a page or email in `language` (the one
    being written in when left out)."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"Not an event text: {field!r}")
    language = language or current_language()
    english = getattr(event, field) or ""
    if language == DEFAULT:
        return LocalText(english)
    if language in TRANSLATED_INTO:
        own = (getattr(event, translated_field(field, language), None) or "").strip()
        if own:
            return LocalText(own)
    # Nothing to mark when there is nothing to show.
    return LocalText(english, SOURCE_LANG if english else None)


def local_text(event: Any, field: str, language: str | None = None) -> str:
    """The text alone, for plain text: email subjects, calendar entries, `<title>`, attributes."""
    return event_text(event, field, language).text


def local_markup(event: Any, field: str, *, paragraphs: bool = False) -> Markup:
    """The text for a page, escaped, in `<span lang="en">` when it is not in the page's
    language (with `dir="ltr"` on a right-to-left page); with `paragraphs`, one `<p>` for
    each paragraph (a blank line between)."""
    shown = event_text(event, field)
    mark = written_in(shown.lang) if shown.lang else Markup("")
    if paragraphs:
        return Markup("").join(
            Markup("<p{}>{}</p>").format(mark, part)
            for part in shown.text.replace("\r\n", "\n").split("\n\n")
            if part.strip()
        )
    if shown.lang:
        return Markup("<span{}>{}</span>").format(mark, shown.text)
    return escape(shown.text)


class InLanguage:
    """An event that answers `title`, `summary` and `description` in one language, as plain
    text, and everything else as itself: for code that reads an event's words without
    knowing about languages (the calendar files)."""

    def __init__(self, event: Any, language: str | None = None) -> None:
        self._event = event
        self._language = language or current_language()

    def __getattr__(self, name: str) -> Any:
        if name in TEXT_FIELDS:
            return local_text(self._event, name, self._language)
        return getattr(self._event, name)


def in_language(event: Any, language: str | None = None) -> InLanguage:
    """The event, its words in `language` (the one being written in when left out)."""
    return InLanguage(event, language)


def init_localised(app: Flask) -> None:
    """`{{ event | local("title") }}` for pages, `{{ event | local_text("title") }}` for text."""
    app.jinja_env.filters["local"] = local_markup
    app.jinja_env.filters["local_text"] = local_text
