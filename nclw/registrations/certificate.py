"""A certificate of attendance (PDF) for someone who came: for a CV or a college application.

A certificate may be shown to an employer or a college, so by default it says nothing about
care: not National Care Leavers' Week, and not an event or host whose name mentions care.
The person can choose to include it. The full name they type is printed and never stored.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.errors import NotAllowed
from nclw.i18n import current_language, language
from nclw.registrations.models import Registration
from nclw.timezones import to_uk

if TYPE_CHECKING:
    from fpdf import FPDF

MAX_NAME_LENGTH = 100
# Words that would tell a reader the person is care experienced.
_CARE_WORDS = re.compile(
    r"\bcare\b|\bcared\b|\bnclw\b|care[-\s]?leav|care[-\s]?experienced|\bfoster", re.IGNORECASE
)
# A font with letters beyond Western European ones (Zoë works anywhere; Łukasz needs this).
# Where the server has none, names fall back to their nearest plain letters.
_UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
NOT_YET = _l(
    "A certificate of attendance is for people who were checked in at the event. "
    "If you came and were not checked in, email the organisers and they can check you in."
)


def mentions_care(text: str) -> bool:
    """Whether these words would tell a reader something about care."""
    return bool(_CARE_WORDS.search(text or ""))


def certificate_refusal(registration: Registration) -> str | None:
    """Why this ticket has no certificate, in words for the person; None when it has one."""
    if registration.anonymised_at is not None or not registration.is_confirmed:
        return _("This ticket is cancelled, so there is no certificate for it.")
    if registration.checked_in_at is None:
        return str(NOT_YET)
    return None


@dataclass(frozen=True)
class CertificateText:
    """What the certificate says, line by line (kept apart from drawing it, for tests)."""

    name: str
    event_line: str
    date_line: str
    host_line: str | None
    week_line: str | None


def certificate_text(
    registration: Registration, *, full_name: str = "", mention_care: bool = False
) -> CertificateText:
    """The words on this person's certificate."""
    event = registration.event
    name = " ".join(full_name.split())[:MAX_NAME_LENGTH] or registration.first_name
    title_ok = mention_care or not mentions_care(event.title)
    host_ok = mention_care or not mentions_care(event.host.name)
    day = to_uk(event.starts_at)
    return CertificateText(
        name=name,
        event_line=event.title if title_ok else _("an event"),
        # Translators: a line of its own on the certificate, under the event's name.
        date_line=_(
            "on %(day)s", day=format_date(day.date(), "EEEE d MMMM y", locale=current_language())
        ),
        host_line=_("hosted by %(host)s", host=event.host.name) if host_ok else None,
        week_line=_("part of National Care Leavers' Week %(year)s", year=day.year)
        if mention_care
        else None,
    )


def _plain(text: str) -> str:
    # The PDF's built-in fonts hold Western European letters only.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if ord(c) < 256 and not unicodedata.combining(c))


def _font(pdf: FPDF) -> tuple[str, bool]:
    for path in _UNICODE_FONTS:
        if path.exists():
            pdf.add_font("body", fname=str(path))
            return "body", True
    return "helvetica", False


def certificate_pdf(
    registration: Registration, *, full_name: str = "", mention_care: bool = False
) -> bytes:
    """The certificate as a one-page A4 PDF; refuses a ticket that has none."""
    refusal = certificate_refusal(registration)
    if refusal:
        raise NotAllowed(refusal)
    # The PDF writer cannot join Arabic letters or set them right to left: a certificate
    # asked for from an Arabic page is in English, which a college or employer reads anyway.
    english = force_locale("en") if language(current_language()).direction == "rtl" else None
    with english or nullcontext():
        return _draw(certificate_text(registration, full_name=full_name, mention_care=mention_care))


def _draw(words: CertificateText) -> bytes:
    # Imported here: the PDF library takes a third of a second to load, and every worker,
    # command and mail sender would pay it on starting for a page few people ask for.
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_("Certificate of attendance"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    font, unicode_ok = _font(pdf)

    def line(text: str, size: int, gap: float = 6) -> None:
        pdf.set_font(font, size=size)
        # A long event title wraps onto a second line rather than running off the page.
        pdf.multi_cell(
            0,
            size * 0.5,
            text if unicode_ok else _plain(text),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(gap)

    pdf.set_draw_color(40, 60, 110)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_y(40)
    # Translators: the certificate reads, line by line: "This is to certify that" / the
    # person's name / "attended" / the event / "on <day>" / "hosted by <host>".
    line(_("Certificate of attendance"), 30, gap=14)
    line(_("This is to certify that"), 14)
    line(words.name, 28, gap=10)
    line(_("attended"), 14)
    line(words.event_line, 20)
    line(words.date_line, 14)
    if words.host_line:
        line(words.host_line, 14)
    if words.week_line:
        line(words.week_line, 14)
    return bytes(pdf.output())
