"""The back office in the pseudo-locale: every page, form error and flash goes through the
catalogues, so a Welsh organiser reads no English the site wrote.

The walk visits every back-office page the app has (each GET route of the blueprint), so a
page added later without its words wrapped fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask, url_for
from jinja2 import ChoiceLoader, DictLoader
from werkzeug.routing import IntegerConverter

from nclw.accounts.models import Role
from nclw.audit.wording import kind_choices
from nclw.backoffice.exports import COLUMNS
from nclw.events.models import EventStatus
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import MessageTemplate, RegistrationStatus
from nclw.registrations.sign_up_questions import QuestionKind, SignUpQuestion
from nclw.registrations.slot_models import EventSlot
from nclw.registrations.slot_waits import LIST_PER_TIME
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import (
    give_event,
    make_edition,
    make_event,
    make_registration,
    make_user,
    waiting_message,
)
from tests.support.pseudo import untranslated

# Words other parts of the site write into these pages, each translated by its own part
# (the form macros, the accounts, events and registrations domains). Remove each once its
# part has landed: the walk then checks it too.
ELSEWHERE: tuple[str, ...] = ()
# The export's columns keep the headings the file has: they are data, not words we translate.
COLUMN_HEADINGS = tuple(column.heading for column in COLUMNS.values())
# A report's figures, charts and notes are the reports part's (templates/reports).
REPORT_BODY = "reports/_report.html"

# Pages that answer with a file, not a page.
FILES = {
    "backoffice.event_report_csv",
    "backoffice.week_report_csv",
    "backoffice.organisation_report_csv",
}


@dataclass
class Office:
    """A week with every state a back-office page shows, and the data a test may allow."""

    ids: dict[str, int]
    # The same, with a cancelled event (and a cancelled ticket) in place of the live one.
    cancelled_ids: dict[str, int]
    allowed: list[str]


@pytest.fixture
def office(pseudo_app: Flask) -> Office:
    today = utcnow().date()
    edition = make_edition(
        theme="Careers week",
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=7),
    )
    event = make_event(
        edition=edition,
        title="Cooking on a budget",
        capacity=2,
        venue_name="Town Hall",
        cancel_reason=None,
    )
    cancelled = make_event(
        edition=edition,
        title="Boat trip",
        status=EventStatus.CANCELLED,
        cancel_reason="The boat broke",
    )
    confirmed = make_registration(event, first_name="Ava", email="ava@example.com")
    arrived = make_registration(event, first_name="Dee", checked_in_at=utcnow())
    waiting = make_registration(
        event, status=RegistrationStatus.WAITING, first_name="Ben", email="ben@example.com"
    )
    gone = make_registration(cancelled, status=RegistrationStatus.CANCELLED, first_name="Cai")
    organiser = make_user(Role.ORGANISER, email="boss@example.org", name="Bea Boss")
    door = make_user(Role.DOOR_STAFF, email="door@example.org", name="Dai Door")
    give_event(door, event)
    partner = make_user(Role.PARTNER, email="partner@example.org", name="Pat Partner")
    message = waiting_message(event, subject="See you soon")
    db.session.add(message)
    template = MessageTemplate(name="Doors", subject="Doors open", body="Hello")
    db.session.add(template)
    start = event.starts_at
    slot = EventSlot(event_id=event.id, starts_at=start, ends_at=start + timedelta(minutes=20))
    db.session.add(slot)
    question = SignUpQuestion(
        event_id=event.id,
        kind=QuestionKind.SHORT_TEXT,
        label="Favourite food?",
        why_we_ask="To cook it.",
    )
    db.session.add(question)
    db.session.add(
        OutboxMessage(
            kind="ticket",
            to_address="ava@example.com",
            subject="Your ticket",
            text_body="b",
            status=MessageStatus.FAILED,
            attempts=2,
            last_error="Mailbox full",
        )
    )
    db.session.commit()
    ids = {
        "event_id": event.id,
        "registration_id": confirmed.id,
        "user_id": partner.id,
        "message_id": message.id,
        "template_id": template.id,
        "slot_id": slot.id,
        "question_id": question.id,
        "week_id": edition.id,
        "year": edition.year,
        "organisation_id": event.host_id,
        "other_organisation_id": cancelled.host_id,
        "waiting_id": waiting.id,
    }
    cancelled_ids = {**ids, "event_id": cancelled.id, "registration_id": gone.id}
    allowed = [
        *(e.title for e in (event, cancelled)),
        *(r.first_name for r in (confirmed, arrived, waiting, gone)),
        *(r.reference for r in (confirmed, arrived, waiting, gone)),
        *(f"/events/{e.slug}" for e in (event, cancelled)),
        event.description,
        "One thing",
        "Another thing",
        "The boat broke",
        "Town Hall",
        "Careers week",
        event.host.name,
        cancelled.host.name,
        partner.organisation.name,
        "Bea Boss",
        "Dai Door",
        "Pat Partner",
        "See you soon",
        "Hello {first_name}",
        "Doors open",
        "Doors",
        "Hello",
        "Favourite food?",
        "To cook it.",
        "Your ticket",
        "Mailbox full",
    ]
    login_as = organiser
    client = pseudo_app.test_client()
    login(client, login_as)
    pseudo_app.extensions["tests_office_client"] = client
    return Office(ids, cancelled_ids, allowed)


def _audit_kinds() -> list[str]:
    """The kinds of action in the audit log's filter (nclw/audit/wording.py's words)."""
    return [
        str(label)
        for kind, actions in kind_choices()
        for label in (kind.label, *(label for _, label in actions))
    ]


def _get_routes(app: Flask):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("backoffice.")
        and "GET" in rule.methods
        and rule.endpoint not in FILES
    ]
    assert len(rules) > 20, "the back office should have many pages"
    return rules


def _url(app: Flask, rule, ids: dict[str, int]) -> str:
    values = {}
    for name in rule.arguments:
        assert name in ids, f"{rule.endpoint}: give the walk an id for {name}"
        assert isinstance(rule._converters[name], IntegerConverter), rule
        values[name] = ids[name]
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.fixture
def without_report_body(pseudo_app: Flask):
    """The report pages with the shared report left out: its words are checked by its part."""
    loader = pseudo_app.jinja_env.loader
    pseudo_app.jinja_env.loader = ChoiceLoader([DictLoader({REPORT_BODY: ""}), loader])
    pseudo_app.jinja_env.cache.clear()
    yield
    pseudo_app.jinja_env.loader = loader
    pseudo_app.jinja_env.cache.clear()


def test_every_back_office_page_is_translated(pseudo_app, office, without_report_body):
    client = pseudo_app.extensions["tests_office_client"]
    allowed = _allowed(office)
    escaped = {}
    for ids, answers in ((office.ids, {200}), (office.cancelled_ids, {200, 404, 409})):
        for rule in _get_routes(pseudo_app):
            url = _url(pseudo_app, rule, ids)
            response = client.get(url)
            # A cancelled event refuses the pages for people coming (409, with the reason);
            # the message, slot and question belong to the live event (404 here).
            assert response.status_code in answers, f"GET {url}: {response.status}"
            if response.mimetype != "text/html" or response.status_code == 404:
                continue
            found = untranslated(response.get_data(as_text=True), allowed=allowed)
            if found:
                escaped[url] = found
    assert escaped == {}, "\n".join(f"{url}: {found}" for url, found in escaped.items())


def _allowed(office: Office) -> list[str]:
    return [*office.allowed, *ELSEWHERE, *COLUMN_HEADINGS, *_audit_kinds()]


# Forms sent empty or wrong: each page comes back with its error summary and messages.
FORMS_WITH_ERRORS = [
    ("/admin/events/new", {}),
    ("/admin/events/{event_id}/cancel", {"reason": ""}),
    ("/admin/events/{event_id}/check-in", {"reference": ""}),
    ("/admin/events/{event_id}/slots", {"count": "0", "minutes": "1", "capacity": "0"}),
    ("/admin/events/{event_id}/slots/{slot_id}/edit", {"minutes": "", "capacity": "0"}),
    ("/admin/events/{event_id}/message", {"when": "later", "subject": "", "body": ""}),
    ("/admin/events/{event_id}/sign-up-questions", {}),
    ("/admin/weeks/new", {"year": "", "theme": ""}),
    ("/admin/exports", {"include_access_needs": "y"}),
    ("/admin/message-templates/new", {}),
    ("/admin/organisations/{organisation_id}", {"name": ""}),
]


@pytest.mark.parametrize(("path", "data"), FORMS_WITH_ERRORS)
def test_form_errors_are_translated(pseudo_app, office, path, data):
    client = pseudo_app.extensions["tests_office_client"]
    response = client.post(path.format(**office.ids), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, path
    assert 'class="error-summary' in html or "field-error" in html, path
    left = untranslated(html, allowed=_allowed(office))
    assert left == [], (path, left)


# Actions that end in a message at the top of the next page.
ACTIONS = [
    ("/admin/registrations/{registration_id}/resend", {}),
    ("/admin/events/{event_id}/unpublish", {}),
    ("/admin/events/{event_id}/duplicate", {}),
    ("/admin/events/{event_id}/slots/waiting-lists", {"waiting_lists": LIST_PER_TIME}),
    ("/admin/events/{event_id}/check-in", {"reference": "NCLW-NOSUCH"}),
    ("/admin/weeks/{week_id}/copy", {}),
    ("/admin/people/{user_id}/active", {"active": "0"}),
]


@pytest.mark.parametrize(("path", "data"), ACTIONS)
def test_messages_after_an_action_are_translated(pseudo_app, office, path, data):
    client = pseudo_app.extensions["tests_office_client"]
    response = client.post(path.format(**office.ids), data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'class="banner-body"' in html or "error-summary" in html, path
    left = untranslated(html, allowed=_allowed(office))
    assert left == [], (path, left)


# Pages that answer a form with a question before doing anything.
CONFIRMATIONS = [
    (
        "/admin/events/{event_id}/message",
        {"audience": "all", "subject": "Hi", "body": "Hello {{first_name}}", "when": "now"},
    ),
    ("/admin/events/{event_id}/attendees/bulk", {"action": "cancel", "person": "{waiting_id}"}),
    ("/admin/events/{event_id}/attendees/bulk", {"action": "message", "person": "{waiting_id}"}),
    ("/admin/events/{event_id}/attendees/bulk", {"action": "promote", "person": "{waiting_id}"}),
    ("/admin/people/{user_id}/role", {"role": "organiser"}),
    ("/admin/people/{user_id}/role", {"role": "door_staff"}),
    ("/admin/organisations/{organisation_id}/merge", {"into_id": "{other_organisation_id}"}),
]


@pytest.mark.parametrize(("path", "data"), CONFIRMATIONS)
def test_confirmation_pages_are_translated(pseudo_app, office, path, data):
    client = pseudo_app.extensions["tests_office_client"]
    form = {name: value.format(**office.ids) for name, value in data.items()}
    response = client.post(path.format(**office.ids), data=form)
    assert response.status_code == 200, path
    # A message's preview shows the email itself, whose words are the mail part's.
    html = re.sub(
        r'<pre class="email-preview">.*?</pre>', "", response.get_data(as_text=True), flags=re.S
    )
    left = untranslated(html, allowed=[*_allowed(office), "Hi", "Hello Ben"])
    assert left == [], (path, left)
