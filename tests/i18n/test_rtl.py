"""Right-to-left pages: one set of stylesheets that mirrors itself under `dir="rtl"`.

The stylesheets say "start" and "end" (margin-inline-start, border-inline-start,
text-align: start ...), never "left" and "right", so an Arabic page lays itself out from the
right with no stylesheet of its own. Phone numbers and references stay left to right inside
Arabic sentences (see `.phone` and `.reference` in site.css).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nclw import PROJECT_ROOT
from tests.factories import make_event
from tools import screenshot_pages

STYLESHEETS = sorted((PROJECT_ROOT / "static" / "css").glob("*.css"))

# Declarations allowed to stay physical, as (file, selector, property), each with its reason.
ALLOWED = {
    # The tick in a tick box is drawn with two borders and turned 45°: a tick is the same
    # shape in every language, so it must not be mirrored.
    ("site.css", ".checkbox input::before", "border-width"),
}

# Shorthands whose four values go top, right, bottom, left: uneven sides do not mirror.
FOUR_SIDED = {
    "margin",
    "padding",
    "inset",
    "border-width",
    "border-style",
    "border-color",
    "scroll-margin",
    "scroll-padding",
}
# Four corners: top-left, top-right, bottom-right, bottom-left.
CORNERS = {"border-radius"}

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PHYSICAL_WORD = re.compile(r"\b(left|right)\b")


def _declarations(css: str):
    """(selector, property, value) for every declaration, inside @media blocks too."""
    css = _COMMENT.sub("", css)
    for selector, body in _RULE.findall(css):
        # An @media prelude ends up in front of its first rule's selector: keep the selector.
        selector = selector.split("{")[-1].strip()
        for declaration in body.split(";"):
            if ":" not in declaration:
                continue
            name, value = declaration.split(":", 1)
            yield selector, name.strip().lower(), value.strip().lower()


def _sides(value: str) -> list[str]:
    # Split on spaces outside brackets (calc(), var(), clamp()).
    parts, depth, word = [], 0, ""
    for char in value.replace("!important", ""):
        depth += char == "("
        depth -= char == ")"
        if char == " " and depth == 0:
            if word:
                parts.append(word)
            word = ""
        else:
            word += char
    return parts + ([word] if word else [])


def physical(selector: str, name: str, value: str) -> str | None:
    """Why a declaration would not mirror under dir=rtl, or None if it would."""
    if _PHYSICAL_WORD.search(name) or name in ("left", "right"):
        return f"{name} is a physical side: use its -inline-start / -inline-end form"
    if _PHYSICAL_WORD.search(value):
        return f"{name}:{value} names a side: use start / end (or inline-start / inline-end)"
    sides = _sides(value)
    if name in FOUR_SIDED and len(sides) == 4 and sides[1] != sides[3]:
        return f"{name}:{value} has uneven left and right: set -inline-start / -inline-end"
    if name in CORNERS and len(sides) == 4 and (sides[0], sides[2]) != (sides[1], sides[3]):
        return f"{name}:{value} has uneven corners: use border-start-start-radius and the like"
    return None


def test_the_checker_catches_physical_sides():
    assert physical(".a", "margin-left", "1rem")
    assert physical(".a", "padding-right", "1rem")
    assert physical(".a", "border-left", "5px solid")
    assert physical(".a", "left", "0")
    assert physical(".a", "right", "0")
    assert physical(".a", "text-align", "left")
    assert physical(".a", "float", "right")
    assert physical(".a", "padding", ".5rem .5rem .5rem 0")
    assert physical(".a", "margin", "0 var(--space-2) var(--space-4) 0")
    assert physical(".a", "border-radius", "0 .5rem .5rem 0")
    assert physical(".a", "margin-inline-start", "1rem") is None
    assert physical(".a", "inset-inline-end", "0") is None
    assert physical(".a", "text-align", "start") is None
    assert physical(".a", "padding", ".5rem 1rem .5rem 1rem") is None
    assert physical(".a", "margin", "0 0 var(--space-4)") is None
    assert physical(".a", "padding", "clamp(1rem,2vw,3rem) clamp(1rem,4vw,6rem)") is None
    assert physical(".a", "border-radius", "0 0 .5rem .5rem") is None
    assert list(_declarations("@media (x){.a{left:0}} /* right */ .b{color:red}")) == [
        (".a", "left", "0"),
        (".b", "color", "red"),
    ]


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheets_say_start_and_end_not_left_and_right(stylesheet: Path):
    found = [
        f"{selector} {{{name}:{value}}}: {why}"
        for selector, name, value in _declarations(stylesheet.read_text(encoding="utf-8"))
        if (why := physical(selector, name, value))
        and (stylesheet.name, selector, name) not in ALLOWED
    ]
    assert found == [], "\n".join(found)


def test_the_allow_list_is_short_and_still_needed():
    assert len(ALLOWED) <= 3
    for file, selector, name in ALLOWED:
        css = (PROJECT_ROOT / "static" / "css" / file).read_text(encoding="utf-8")
        assert any(
            (s, n) == (selector, name) and physical(s, n, v) for s, n, v in _declarations(css)
        ), f"{file} {selector} {name} is allowed but no longer physical: drop it from ALLOWED"


def test_phone_numbers_and_references_are_isolated_left_to_right():
    css = (PROJECT_ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    isolated = {
        selector
        for group, name, value in _declarations(css)
        if (name, value) == ("unicode-bidi", "isolate")
        for selector in group.split(",")
    }
    directions = {
        selector: value
        for group, name, value in _declarations(css)
        if name == "direction"
        for selector in group.split(",")
    }
    for selector in (".phone", ".reference"):
        assert selector in isolated
        assert directions.get(selector) == "ltr"


@pytest.mark.parametrize(
    ("prefix", "lang", "direction"),
    [("", "en-GB", "ltr"), ("/cy", "cy", "ltr"), ("/ar", "ar", "rtl")],
)
def test_pages_say_their_language_and_direction_and_share_one_stylesheet(
    app, client, prefix, lang, direction
):
    event = make_event()
    for path in ("/", f"/events/{event.slug}", f"/events/{event.slug}/register"):
        html = client.get(prefix + path).get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in html, path
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert [href.rsplit("/", 1)[-1] for href in stylesheets] == ["site.css"], path


def test_the_footer_phone_numbers_are_marked_for_isolation(app, client):
    html = client.get("/ar/").get_data(as_text=True)
    for number in ("0800 528 0731", "116 123"):
        assert f'class="phone" href="tel:{number.replace(" ", "")}">{number}</a>' in html


def test_the_screenshot_tour_shows_the_main_pages_in_welsh_and_arabic(app):
    values = {"slug": "careers", "token:ticket": "a1B2" * 10}
    pages, _ = screenshot_pages.plan_tour(app, values)
    paths = {page.path for page in pages}
    for prefix in ("/cy", "/ar"):
        assert {
            f"{prefix}/",
            f"{prefix}/events/careers",
            f"{prefix}/tickets/{'a1B2' * 10}",
        } <= paths
    arabic = next(page for page in pages if page.path == "/ar/")
    assert arabic.file_name(320) == "public--ar--320.png"
    assert arabic.widths == (320, 1280)
