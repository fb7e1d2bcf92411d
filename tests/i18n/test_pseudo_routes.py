"""Every public page of the site, rendered in the pseudo-locale: no word escapes translation.

The table below has one entry for each public GET route (found by walking the app's url_map),
with the data it needs to draw its page. A new public route without an entry fails
`test_the_table_covers_every_public_page`: give it one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient

from nclw.accounts import invitations, two_step
from nclw.accounts.email_links import request_password_reset, request_sign_in_link
from nclw.accounts.models import Role
from nclw.events.models import Event, QuestionAskers
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails
from nclw.mail.models import OutboxMessage
from nclw.registrations import services as sign_up
from nclw.registrations import slot_changes
from nclw.registrations.supporter_models import Supporter
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import (
    make_edition,
    make_event,
    make_organisation,
    make_registration,
    make_user,
    ticket_link,
)
from tests.feedback.helpers import came, ended_event, survey_token_for
from tests.i18n.test_pseudo_public import _the_week
from tests.support.pseudo import untranslated

# Not public pages, or not pages: left out of the walk (see the module's docstring).
LEFT_OUT_PREFIXES = ("/static", "/admin", "/partner", "/door", "/api", "/ops", "/metrics")
LEFT_OUT_BLUEPRINTS = frozenset({"ops", "mail"})  # health checks; the dev mailbox
NOT_HTML = frozenset(
    {
        "events.event_calendar",
        "events.week_calendar",
        "events.feed_calendar",
        "pages.event_share_image",
        "pages.week_share_image",
        "pages.past_week_share_image",
        "pages.favicon",
        "registrations.ticket_calendar",
        "registrations.ticket_qr",
        # Only a redirect to the ticket, for links sent before the ticket page moved.
        "registrations.confirmation",
    }
)
PASSWORD = "correct horse battery"


@dataclass
class Page:
    """Where a route's page is, and the data on it that the test put there."""

    path: str
    allowed: list[str] = field(default_factory=list)
    status: int = 200


def public_pages(app: Flask) -> set[str]:
    """The endpoints of every public GET route that answers with a page."""
    found = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if (
            "GET" not in (rule.methods or ())
            or rule.endpoint == "static"
            or rule.rule.startswith(LEFT_OUT_PREFIXES)
            or blueprint in LEFT_OUT_BLUEPRINTS
            or rule.endpoint in NOT_HTML
        ):
            continue
        found.add(rule.endpoint)
    return found


# --- the data each page needs ---------------------------------------------------------------


def _shown(event: Event) -> list[str]:
    """What an event's pages show that the test typed: its words and its host's name."""
    return [
        event.title,
        event.summary,
        event.description,
        *event.highlight_list,
        event.host.name,
        event.edition.theme,
        *filter(None, (event.venue_name, event.address)),
    ]


def _ticket(**event) -> tuple[str, list[str]]:
    booked = make_registration(make_event(**event), first_name="Robin")
    return booked.link_token, [*_shown(booked.event), "Robin", booked.reference]


def _on_ticket(suffix: str, **event) -> Callable[[FlaskClient], Page]:
    def page(client):
        token, allowed = _ticket(**event)
        return Page(f"/tickets/{token}{suffix}", allowed)

    return page


def _on_event(suffix: str, **event) -> Callable[[FlaskClient], Page]:
    def page(client):
        made = make_event(**event)
        return Page(f"/events/{made.slug}{suffix}", _shown(made))

    return page


def _week(client) -> Page:
    _, _, allowed = _the_week()
    return Page("/", allowed)


def _past_week(client) -> Page:
    today = utcnow().date()
    week = make_edition(
        year=today.year - 1,
        theme="Last year's theme",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=14),
    )
    event = make_event(edition=week, starts_at=utcnow() - timedelta(days=15))
    return Page(f"/weeks/{week.year}", [week.theme, *_shown(event)])


def _supporter_remove(client) -> Page:
    event = make_event(capacity=5, supporters_allowed=True)
    holder = make_registration(event, first_name="Robin")
    db.session.add(Supporter(registration=holder, first_name="Jo", role="friend"))
    event.confirmed_count += 1
    db.session.commit()
    return Page(f"/tickets/{holder.link_token}/supporter/remove", [*_shown(event), "Robin", "Jo"])


def _change_time(client) -> Page:
    event = make_event(capacity=None)
    made = slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=3, minutes=20, capacity=1, now=utcnow()
    )
    db.session.commit()
    mine = sign_up.register(
        event,
        sign_up.SignUpDetails(first_name="Robin", email="robin@example.com", slot_id=made[0].id),
        now=utcnow(),
    ).registration
    db.session.commit()
    return Page(f"/tickets/{ticket_link(mine)}/time", [*_shown(event), "Robin", mine.reference])


def _certificate(client) -> Page:
    person = make_registration(make_event(), first_name="Robin", checked_in_at=utcnow())
    return Page(f"/tickets/{person.link_token}/certificate", [*_shown(person.event), "Robin"])


def _booking(client) -> Page:
    event = make_event()
    data = {
        "name": "Jo Bell",
        "email": "jo.bell@example.gov.uk",
        "organisation": "Luton Council",
        "role": "Personal adviser",
        "declared": "y",
        "young_people-0-first_name": "Amir",
        "young_people-0-email": "",
    }
    client.post(f"/events/{event.slug}/book-for-young-people", data=data)
    summary = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "booking_summary")
    )
    link = re.search(r"http://nclw\.test(/bookings/\S+)", summary.text_body)[1]
    return Page(link, [*_shown(event), "Jo Bell", "Luton Council", "Personal adviser", "Amir"])


def _survey(suffix: str) -> Callable[[FlaskClient], Page]:
    def page(client):
        event = ended_event()
        person = came(event, first_name="Robin")
        return Page(f"/feedback/{survey_token_for(person)}{suffix}", [*_shown(event), "Robin"])

    return page


def _link_in_email(pattern: str) -> str:
    send_pending()
    texts = [mail.text for mail in list_emails(current_app.config["MAIL_FILE_DIRECTORY"])]
    return next(match[1] for text in texts if (match := re.search(pattern, text)))


def _reset_password(client) -> Page:
    make_user(email="sam@example.org")
    request_password_reset("sam@example.org", now=utcnow())
    db.session.commit()
    return Page(_link_in_email(r"http://nclw\.test(/account/reset/\S+)"))


def _sign_in_link(client) -> Page:
    make_user(email="sam@example.org")
    request_sign_in_link("sam@example.org", now=utcnow())
    db.session.commit()
    return Page(_link_in_email(r"http://nclw\.test(/sign-in/link/\S+)"))


def _invitation(client) -> Page:
    organiser = make_user(email="boss@example.org")
    organisation = make_organisation(name="Catch22")
    raw = invitations.invite_user(
        "new@example.org",
        role=Role.PARTNER,
        organisation=organisation,
        actor=organiser,
        now=utcnow(),
    )
    db.session.commit()
    return Page(f"/account/invite/{raw}", ["Catch22"])


def _user_with_two_step():
    user = make_user(email="sam@example.org", password=PASSWORD)
    two_step.begin_two_step(user)
    earlier = utcnow() - timedelta(seconds=30)
    code = pyotp.TOTP(user.totp_secret).at(earlier)
    two_step.turn_on_two_step(user, code, now=earlier)
    db.session.commit()
    return user


def _signed_in(path: str, *, with_two_step: bool = False) -> Callable[[FlaskClient], Page]:
    def page(client):
        user = _user_with_two_step() if with_two_step else make_user(email="sam@example.org")
        login(client, user)
        return Page(path, [user.email])

    return page


def _half_signed_in(path: str) -> Callable[[FlaskClient], Page]:
    def page(client):
        _user_with_two_step()
        client.post("/sign-in", data={"email": "sam@example.org", "password": PASSWORD})
        return Page(path)

    return page


# --- the table ------------------------------------------------------------------------------

# This part's pages: wrapped here.
OURS: dict[str, Callable[[FlaskClient], Page]] = {
    "events.week": _week,
    "events.past_week": _past_week,
    "events.detail": _on_event(""),
    "pages.privacy": lambda client: Page("/privacy"),
    "pages.support": lambda client: Page("/support"),
    "pages.accessibility": lambda client: Page("/accessibility"),
}
# Pages of the other domains: tickets, bookings, questions, feedback, accounts.
THEIRS: dict[str, Callable[[FlaskClient], Page]] = {
    "registrations.register": _on_event("/register"),
    "registrations.lost_ticket": _on_event("/lost-ticket"),
    "registrations.ticket": _on_ticket(""),
    "registrations.cancel": _on_ticket("/cancel"),
    "registrations.delete_details": _on_ticket("/delete"),
    "registrations.details_deleted": lambda client: Page("/tickets/deleted"),
    "registrations.offer": _on_ticket("/offer"),
    "registrations.ticket_certificate": _certificate,
    "supporters.add": _on_ticket("/supporter/add", supporters_allowed=True),
    "supporters.remove": _supporter_remove,
    "slots.change_time": _change_time,
    "bookings.book": _on_event("/book-for-young-people"),
    "bookings.booking": _booking,
    "questions.ask_from_event": _on_event(
        "/questions/ask", qa_enabled=True, qa_askers=QuestionAskers.ANYONE
    ),
    "questions.ask_from_ticket": _on_ticket("/questions/ask", qa_enabled=True),
    "feedback.answer": _survey(""),
    "feedback.no_thanks": _survey("/no-thanks"),
    "accounts.sign_in": lambda client: Page("/sign-in"),
    "accounts.request_reset": lambda client: Page("/account/reset"),
    "accounts.reset_password": _reset_password,
    "accounts.sign_in_with_link": _sign_in_link,
    "accounts.accept_invite": _invitation,
    "accounts.account": _signed_in("/account"),
    "two_step.set_up": _signed_in("/account/two-step"),
    "two_step.turn_off": _signed_in("/account/two-step/off", with_two_step=True),
    "two_step.renew_recovery_codes": _signed_in(
        "/account/two-step/recovery-codes", with_two_step=True
    ),
    "two_step.enter_code": _half_signed_in("/sign-in/code"),
    "two_step.enter_recovery_code": _half_signed_in("/sign-in/recovery-code"),
}
PAGES = {**OURS, **THEIRS}


def test_the_table_covers_every_public_page(pseudo_app):
    assert public_pages(pseudo_app) == set(PAGES)


@pytest.mark.parametrize(
    "endpoint",
    [pytest.param(endpoint, id=endpoint) for endpoint in PAGES],
)
def test_every_public_page_is_all_translated(pseudo_app, endpoint):
    client = pseudo_app.test_client()
    page = PAGES[endpoint](client)
    response = client.get(page.path)
    assert response.status_code == page.status, (page.path, response.headers.get("Location"))
    html = response.get_data(as_text=True)
    assert "⟪" in html
    assert untranslated(html, allowed=page.allowed) == [], untranslated(html, page.allowed)
