"""The HTML emails: one branded, accessible page each, one button, the plain text's words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from nclw.registrations import messages
from tests.factories import make_event, make_registration
from tests.mail.gallery import MAIN_ACTIONS, every_email, ticket_emails

# Where the two versions say a link differently: the plain text cannot make words a link,
# so it says "use this link" or names the page, and it has no QR code to point at.
SAID_ANOTHER_WAY_IN_TEXT = {
    "tell us you don't want them": "use this link",
    "see it on the site": "see it",
    "show this code": "show the qr code in this email",
    "→": "->",
}
_BLOCKS = {"p", "li", "h1", "h2", "h3", "blockquote", "td", "div", "table", "tr", "ul"}


class _Reader(HTMLParser):
    """The visible paragraphs of an email, its hidden preview line and its buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.preheader: list[str] = []
        self.buttons: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self._current: list[str] = []
        self._skipping: list[str] = []  # the open elements whose text is not read as words
        self._hidden = False
        self._link: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if self._skipping:
            if tag not in {"br", "img", "meta"}:
                self._skipping.append(tag)
            return
        style = values.get("style", "").replace(" ", "")
        # The band names the sender (the plain text's From line says it), not a sentence.
        band = "mail-band" in values.get("class", "")
        if tag in {"style", "title"} or band or values.get("aria-hidden") == "true":
            self._skipping.append(tag)
            return
        if "display:none" in style:
            self._hidden = True
            self._skipping.append(tag)
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "br":
            self._current.append(" ")
        if tag == "a":
            self._link = {"href": values.get("href", ""), "text": "", "style": style}
            self.links.append(self._link)
            if "background-color" in style:
                self.buttons.append(self._link)

    def handle_endtag(self, tag):
        if self._skipping:
            self._skipping.pop()
            self._hidden = self._hidden and bool(self._skipping)
            return
        if tag == "a":
            self._link = None
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._hidden:
            self.preheader.append(data)
        if self._skipping:
            return
        self._current.append(data)
        if self._link is not None:
            self._link["text"] += data

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._flush()
    return reader


def _words(text: str) -> str:
    """Text as words only: no addresses, quotation marks or punctuation, one space between."""
    text = re.sub(r"(https?://|mailto:)\S+", " ", text.lower())
    for html_words, text_words in SAID_ANOTHER_WAY_IN_TEXT.items():
        text = text.replace(html_words, text_words)
    text = re.sub(r"[.,:;!?\"'“”‘’()]", " ", text)
    return " ".join(text.split())


@pytest.fixture
def emails(app):
    return every_email()


def test_every_email_has_the_same_accessible_dark_mode_safe_frame(emails):
    assert set(emails) == set(MAIN_ACTIONS)
    for name, email in emails.items():
        html = email.html_body
        assert html.startswith('<!doctype html>\n<html lang="en-GB">'), name
        assert re.search(r"<title>[^<]+</title>", html), name
        assert '<meta name="color-scheme" content="light dark">' in html, name
        assert '<meta name="supported-color-schemes" content="light dark">' in html, name
        assert "@media (prefers-color-scheme: dark)" in html.split("</style>")[0], name
        assert re.search(r'<div role="article" aria-roledescription="email" aria-label="', html)
        assert "max-width: 600px; margin: 0 auto;" in html, name
        # Nothing fetched from the web, nothing a mail program would block.
        assert "<svg" not in html.lower(), name
        assert not re.search(r"<img[^>]+src=\"(?!cid:)", html), name
        assert "url(" not in html, name


def test_each_email_has_one_button_for_its_main_action_and_the_text_has_the_same_link(emails):
    for name, email in emails.items():
        label = MAIN_ACTIONS[name]
        buttons = read(email.html_body).buttons
        if label is None:
            assert buttons == [], name
            continue
        [button] = buttons
        assert button["text"].startswith(label), name
        # The link follows the words, on their line or the next.
        in_text = re.search(rf"{re.escape(label)}[^\n]*?:\s+(\S+)", email.text_body)
        assert in_text and button["href"] == in_text.group(1), name


def test_the_plain_text_says_every_sentence_of_the_html(emails):
    for name, email in emails.items():
        page = read(email.html_body)
        text = _words(email.text_body)
        assert len(page.blocks) >= 3, name
        missing = [block for block in page.blocks if _words(block) not in text]
        assert missing == [], name
        # The hidden preview line is a sentence of the email, so it says nothing new.
        assert _words("".join(page.preheader)) in text, name


def test_the_button_and_band_keep_their_contrast_in_light_and_dark_mode(emails):
    html = emails["place_offered"].html_body
    [button] = read(html).buttons
    background = re.search(r"background-color:(#[0-9a-f]{6})", button["style"]).group(1)
    assert contrast(background, re.search(r"[;^]color:(#[0-9a-f]{6})", button["style"])[1]) >= 4.5
    band = re.search(r'"mail-band" style="background-color: (#[0-9a-f]{6}); color: (#\w+)', html)
    assert contrast(band[1], band[2]) >= 4.5
    # Every dark-mode rule that sets a background keeps its text readable, links included.
    dark = html.split("@media (prefers-color-scheme: dark)", 1)[1].split("</style>")[0]
    link = re.search(r"\.mail-body a[^{]*\{ color: (#[0-9a-f]{6})", dark)[1]
    pairs = re.findall(r"background-color: (#[0-9a-f]{6}) !important; color: (#[0-9a-f]{6})", dark)
    assert len(pairs) >= 4
    for back, fore in pairs:
        assert contrast(back, fore) >= 7 and contrast(back, link) >= 4.5, back


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_reminder_leads_with_giving_the_place_back_above_the_band(app):
    email = ticket_emails()["reminder_day_before"]
    body = email.html_body.split("<body", 1)[1]
    assert body.index("Give your place to someone else") < body.index('class="mail-band"')


def test_a_discreet_email_is_from_bookings_with_no_preview_and_no_site_name(app):
    person = make_registration(make_event(), discreet=True)
    html = messages.ticket_confirmed(person).html_body
    page = read(html)
    assert "<title>Bookings</title>" in html and 'aria-label="Bookings"' in html
    # What a lock screen or an inbox shows first: the sender's plain name, then the opening.
    assert page.preheader == [] and "NCLW Events" not in html
    assert page.blocks[0] == messages.DISCREET_OPENING


def test_without_discreet_the_band_names_the_site_and_the_preview_line_is_set(app):
    html = messages.ticket_confirmed(make_registration(make_event())).html_body
    assert re.search(r"</span>NCLW Events\n</div>", html)
    assert read(html).preheader == ["Your free ticket is confirmed."]


def test_someone_waiting_is_given_a_waiting_list_reference_not_a_ticket(emails):
    for name in ("waiting_list", "waiting_list_pair", "event_changed_offered"):
        email = emails[name]
        for body in (email.text_body, email.html_body):
            assert "Your waiting list reference:" in body, name
            assert "Your ticket reference" not in body, name
    for body in (emails["ticket_confirmed"].text_body, emails["ticket_confirmed"].html_body):
        assert "Your ticket reference:" in body
