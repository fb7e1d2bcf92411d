"""The design system's promises, read from the HTML: phone numbers people can tap, an error
summary whose every item leads to a field, fields that say they have an error, a quiet logo."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired

from nclw.accounts.models import Role
from nclw.extensions import db
from nclw.forms import TIMED_OUT, error_summary_items
from nclw.pages import logo
from tests.conftest import login
from tests.factories import make_edition, make_event, make_organisation, make_user

SUPPORT_NUMBERS = {"0800 528 0731": "08005280731", "999": "999", "116 123": "116123"}


class Page(HTMLParser):
    """The parts of a page these tests look at: every element's attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._open_link: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "a":
            self._open_link = [attributes.get("href", "")]

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open_link is not None:
            self.links.append((self._open_link[0], "".join(self._open_link[1:]).strip()))
            self._open_link = None

    @property
    def ids(self) -> set[str]:
        return {attributes["id"] for _, attributes in self.elements if "id" in attributes}

    def by_id(self, element_id: str) -> tuple[str, dict[str, str]]:
        return next(item for item in self.elements if item[1].get("id") == element_id)


def _summary(html: str) -> str:
    start = html.index('<div class="error-summary"')
    return html[start : html.index("</div>", start)]


def _summary_links(html: str) -> list[tuple[str, str]]:
    return Page(_summary(html)).links


def _assert_summary_links_every_problem_to_a_field(html: str) -> list[tuple[str, str]]:
    summary = _summary(html)
    links = _summary_links(html)
    assert links and summary.count("<li>") == len(links), summary
    assert 'class="error-summary-list"' in summary and "list-bullet" not in summary
    page = Page(html)
    for href, _ in links:
        assert href.startswith("#") and href[1:] in page.ids, (href, sorted(page.ids))
    return links


@pytest.mark.parametrize("path", ["/", "/support", "/privacy", "/no-such-page"])
def test_the_footer_phone_numbers_can_be_tapped(client, path):
    html = client.get(path).text
    footer = Page(html[html.index('<footer class="site-footer">') :])
    for number, dialled in SUPPORT_NUMBERS.items():
        assert (f"tel:{dialled}", number) in footer.links, footer.links


def test_the_support_page_phone_numbers_can_be_tapped(client):
    html = client.get("/support").text
    main = Page(html[html.index("<main") : html.index("</main>")])
    for number, dialled in SUPPORT_NUMBERS.items():
        assert (f"tel:{dialled}", number) in main.links, main.links


def test_the_logo_is_hidden_from_screen_readers_and_the_site_name_is_text(client, app):
    html = client.get("/").text
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    svg = next(attrs for tag, attrs in Page(header).elements if tag == "svg")
    assert svg["aria-hidden"] == "true" and svg["focusable"] == "false"
    assert f"</svg><span>{app.config['SITE_NAME']}</span></a>" in header
    # The header's mark is the favicon's and the share images': the same heart, same colours.
    assert f'fill="{logo.NAVY}"' in header and f'fill="{logo.WARM}"' in header
    points = re.search(r'<polygon fill="[^"]+" points="([^"]+)"', header).group(1).split()
    assert len(points) == len(logo.heart_outline(40))
    for drawn, outline in zip(points, logo.heart_outline(40), strict=True):
        x, y = (float(n) for n in drawn.split(","))
        assert abs(x - outline[0]) < 0.1 and abs(y - outline[1]) < 0.1


def test_the_week_page_headline_is_the_theme(client):
    edition = make_edition(theme="Care leavers with careers")
    db.session.commit()
    html = client.get("/").text
    h1 = html[html.index("<h1") : html.index("</h1>")]
    assert f"Week {edition.year}</span> <span>Care leavers with careers</span>" in h1


def test_sign_up_errors_mark_their_fields_and_the_summary_links_each(client):
    event = make_event(title="CV clinic")
    html = client.post(f"/events/{event.slug}/register", data={"email": "nope"}).text
    links = _assert_summary_links_every_problem_to_a_field(html)
    page = Page(html)
    for href, _ in links:
        tag, attributes = page.by_id(href[1:])
        assert attributes.get("aria-invalid") == "true", (href, attributes)
        assert f"{href[1:]}-error" in attributes["aria-describedby"]
        if tag == "input" and attributes.get("type") != "checkbox":
            assert "input-error" in attributes["class"].split()
    assert ("#first_name", "Enter your first name") in links


def test_a_form_level_error_links_to_the_field_it_is_about_and_shows_there(client):
    login(client, make_user(Role.ORGANISER, email="organiser@example.org"))
    host = make_organisation(name="Catch22")
    edition = make_edition()
    db.session.commit()
    data = {
        "title": "CV clinic",
        "summary": "Bring your CV.",
        "host_id": host.id,
        "edition_id": edition.id,
        "starts_at": "2030-10-28T16:00",
        "ends_at": "2030-10-28T15:00",
        "format": "online",
        "audience": "everyone",
    }
    html = client.post("/admin/events/new", data=data).text
    links = _assert_summary_links_every_problem_to_a_field(html)
    assert links == [("#ends_at", "The event must end after it starts.")]
    assert 'id="ends_at-error"' in html
    _, ends_at = Page(html).by_id("ends_at")
    assert ends_at["aria-invalid"] == "true" and "input-error" in ends_at["class"]


class _Row(Form):
    name = StringField("Name", validators=[DataRequired("Enter a name")])


class _Booking(FlaskForm):
    confirmed = HiddenField()
    lead = StringField("Your name")
    rows = FieldList(FormField(_Row), min_entries=2)
    send = SubmitField("Send")
    form_error_fields = {"The lead": "lead"}


def test_summary_items_link_form_errors_timeouts_and_rows(app):
    with app.test_request_context(method="POST", data={"rows-0-name": "Ann"}):
        form = _Booking(meta={"csrf": False})
        form.validate()
        form.form_errors.extend(["No places left.", "The lead must be 18 or over."])
        items = error_summary_items(form)
        # Unnamed: the first field people fill in (not the hidden one). Named: its own field,
        # which now shows the message inline, so the summary lists it once, as the field's.
        assert items == [
            ("lead", "No places left."),
            ("lead", "The lead must be 18 or over."),
            ("rows-1-name", "Enter a name"),
        ]
        assert form.lead.errors == ["The lead must be 18 or over."]
        assert error_summary_items(form) == items  # asking again changes nothing


def test_a_timed_out_page_links_to_the_first_field(app):
    with app.test_request_context(method="POST", data={"lead": "Sam"}):
        form = _Booking(meta={"csrf": True})
        assert not form.validate()
        assert error_summary_items(form)[0] == ("lead", TIMED_OUT)
