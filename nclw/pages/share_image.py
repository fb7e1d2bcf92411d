"""The picture a link shows when it is shared (WhatsApp, Instagram, a text message): 1200×630.

The words come first (`ShareCard`), then the drawing: the words alone decide the picture, so
a hash of them is its ETag and an unchanged event is never drawn twice for the same reader.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from nclw.events.localised import local_text
from nclw.events.models import Edition, Event, EventStatus
from nclw.pages import logo
from nclw.timezones import format_when

WIDTH, HEIGHT = 1200, 630
WEEK_NAME = "National Care Leavers' Week"
# Change this when the drawing changes, so shared caches fetch the new picture.
DRAWING_VERSION = "1"
# The fonts the certificate uses (see nclw/registrations/certificate.py): DejaVu, where
# Debian and Fedora put it. Without it the picture still draws, in Pillow's own font.
_FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_MARGIN = 80
_TITLE_SIZES = (76, 64, 54)  # the largest size at which the title fits in three lines
_TITLE_LINES = 3


@dataclass(frozen=True)
class ShareCard:
    """What a share picture says, top to bottom."""

    title: str
    when: str
    detail: str = ""
    banner: str = ""  # e.g. "Cancelled", in a warm box at the top right

    @property
    def etag(self) -> str:
        words = "\x1f".join((DRAWING_VERSION, *astuple(self)))
        return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def event_card(event: Event) -> ShareCard:
    """The picture for an event's page: its title and when it is, in UK time."""
    return ShareCard(
        title=local_text(event, "title"),
        when=format_when(event.starts_at, event.ends_at),
        detail=f"Hosted by {event.host.name}",
        # A cancelled event's link is still passed around: the picture must not invite people.
        banner="Cancelled" if event.status == EventStatus.CANCELLED else "",
    )


def week_card(edition: Edition | None) -> ShareCard:
    """The picture for the week's page: its year, dates and theme."""
    if edition is None:
        return ShareCard(title=WEEK_NAME, when="Free events for care leavers aged 16 to 25")
    # The week's name heads every picture already: the theme is the headline here.
    return ShareCard(
        title=f"{edition.year}: {edition.theme}",
        when=week_dates(edition),
        detail="Free events for care leavers aged 16 to 25",
    )


def week_dates(edition: Edition) -> str:
    """'Monday 26 October to Sunday 1 November 2026', as the week's page says it."""
    start, end = edition.starts_on, edition.ends_on
    return f"{start:%A} {start.day} {start:%B} to {end:%A} {end.day} {end:%B %Y}"


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at `size` pixels, or Pillow's built-in font when the server has none."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_FOLDERS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def wrap(text: str, width: float, measure, *, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width`, by words; the last line ends in "…" if cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and measure(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    kept = [line if measure(line) <= width else _cut(line, width, measure) for line in lines]
    if len(kept) <= max_lines:
        return kept
    return [*kept[: max_lines - 1], _cut(kept[max_lines - 1], width, measure)]


def _cut(line: str, width: float, measure) -> str:
    """`line` shortened to end in "…" within `width`: by whole words where it has some."""
    line = line.removesuffix("…")
    while measure(line + "…") > width and " " in line:
        line = line.rsplit(" ", 1)[0]
    while len(line) > 1 and measure(line + "…") > width:
        line = line[:-1]
    return line.rstrip(" ,;:") + "…"


def _title_lines(draw: ImageDraw.ImageDraw, title: str, width: int):
    for size in _TITLE_SIZES:
        face = font(size, bold=True)
        lines = wrap(title, width, lambda text, f=face: draw.textlength(text, font=f), max_lines=99)
        if len(lines) <= _TITLE_LINES:
            return face, size, lines
    face = font(_TITLE_SIZES[-1], bold=True)
    lines = wrap(
        title, width, lambda text: draw.textlength(text, font=face), max_lines=_TITLE_LINES
    )
    return face, _TITLE_SIZES[-1], lines


def draw(card: ShareCard) -> bytes:
    """The picture as PNG bytes."""
    return _draw_cached(card)


@lru_cache(maxsize=64)
def _draw_cached(card: ShareCard) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), logo.NAVY)
    pen = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * _MARGIN
    # A warm band along the foot: the celebration colour, and a frame for the words.
    pen.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=logo.WARM)

    # The navy tile would vanish into the navy ground: a white edge keeps the mark's shape.
    pen.rounded_rectangle((_MARGIN - 4, 60, _MARGIN + 99, 163), radius=20, fill=logo.WHITE)
    mark = logo.mark_image(96)
    image.paste(mark, (_MARGIN, 64), mark)
    pen.text(
        (_MARGIN + 96 + 28, 112), WEEK_NAME, font=font(36, bold=True), fill=logo.WHITE, anchor="lm"
    )

    if card.banner:
        # Top right, level with the week's name: the title and the date keep their room.
        face = font(34, bold=True)
        right = WIDTH - _MARGIN
        box = pen.textbbox((right, 112), card.banner, font=face, anchor="rm")
        pen.rectangle((box[0] - 20, box[1] - 12, box[2] + 20, box[3] + 12), fill=logo.WARM)
        pen.text((right, 112), card.banner, font=face, fill=logo.NAVY, anchor="rm")

    y = 220
    face, size, lines = _title_lines(pen, card.title, text_width)
    for line in lines:
        pen.text((_MARGIN, y), line, font=face, fill=logo.WHITE)
        y += int(size * 1.18)

    y += 18
    small = font(32)
    for text, colour in ((card.when, logo.WARM), (card.detail, logo.WHITE)):
        if not text or y > HEIGHT - 90:
            continue
        line = wrap(text, text_width, lambda t: pen.textlength(t, font=small), max_lines=1)[0]
        pen.text((_MARGIN, y), line, font=small, fill=colour)
        y += 48

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
