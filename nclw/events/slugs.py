"""An event's web address part, made from its title: lowercase ASCII letters, digits and '-'.

Pure. Accented letters keep their base letter (é→e) and a few letters that do not decompose
are spelt out (ß→ss, æ→ae, ø→o), so "Café für Alle" is "cafe-fur-alle" and the API, which
accepts only ASCII addresses, can find it. Anything else (emoji, other scripts) is left out.
Only new events get a slug: changing this never moves an existing event's address.
"""

from __future__ import annotations

import unicodedata

#: Longest slug made from a title; "-2", "-3"... may follow (the column holds 120).
BASE_LENGTH = 100
#: Every slug: what `slug_base` makes, with "-2", "-3"... after it. Addresses that match no
#: slug are answered without asking the database (the API, the shared pages' shortcut).
PATTERN = "[a-z0-9][a-z0-9-]{0,119}"

# Letters that NFKD does not split into an ASCII letter and a mark.
_SPELT_OUT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        # An apostrophe does not split a word: "people's" is "peoples".
        "'": "",
        "\u2019": "",
    }
)


def slug_base(title: str) -> str:
    """The slug for a title, before making it unique; "event" when nothing usable is left."""
    decomposed = unicodedata.normalize("NFKD", title.translate(_SPELT_OUT).lower())
    # Accents go; any other character that is not an ASCII letter or digit (a dash, an
    # emoji, another script) parts words, so "Cook–Eat" is "cook-eat", not "cookeat".
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in letters).split()
    return "-".join(words)[:BASE_LENGTH].strip("-") or "event"
