"""Which pages the screenshot tour visits: every GET route of the app, filled from the demo week.

Routes are read from the app's URL map, not listed by hand, so a new page is in the tour the
day it is added. Each argument a route takes (a slug, an event id, a ticket's token) is filled
from the demo data by its name; a route whose arguments have no source here, and is not named
in SKIPPED with a reason, makes `unplanned_routes` say so (a test checks it stays empty).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask
from werkzeug.routing import Rule

# Routes that answer with something other than a page, or cannot be reached on their own.
SKIPPED: dict[str, str] = {
    "static": "stylesheets, scripts and images, not pages",
    "api.event": "JSON for other sites, not a page",
    "api.events": "JSON for other sites, not a page",
    "api.openapi_document": "JSON for other sites, not a page",
    "ops.healthz": "a health check for the load balancer, not a page",
    "ops.readyz": "a health check for the load balancer, not a page",
    "ops.prometheus_metrics": "figures for the monitoring, not a page",
    "mail.download": "downloads an email as a file",
    "questions.presenter_live": "a fragment the presenter page fetches, not a page",
}
# Addresses ending so are files (calendars, spreadsheets, pictures), not pages.
FILE_SUFFIXES = (".ics", ".csv", ".svg", ".png", ".json", ".ico", ".xlsx", ".pdf")
# Signed-in areas: shot at desktop width only, signed in. Everything else is shot signed out,
# at a phone's width and a desktop's: the account pages people reach from an email too.
BACK_OFFICE_PREFIXES = ("/admin", "/partner", "/door", "/account", "/dev/")
SIGNED_OUT_ACCOUNT_PREFIXES = ("/account/invite/", "/account/reset")
PARTNER_PREFIX = "/partner"
DOOR_PREFIX = "/door"
# A `<token>` is a different secret in each area: which demo link fills it, by address.
TOKEN_KINDS = {
    "/tickets/": "token:ticket",
    "/bookings/": "token:booking",
    "/feedback/": "token:feedback",
    "/account/invite/": "token:invite",
    "/account/reset/": "token:reset",
    "/sign-in/link/": "token:sign_in",
}
# Arguments every route may take, filled by the demo value of the same name.
PLAIN_ARGUMENTS = frozenset(
    {
        "slug",
        "event_id",
        "year",
        "registration_id",
        "organisation_id",
        "proposal_id",
        "change_id",
        "template_id",
        "user_id",
        "week_id",
    }
)
# Where one route needs a value of its own: a slot of the event it names, a partner's session.
ROUTE_ARGUMENTS: dict[str, dict[str, str]] = {
    "backoffice.edit_slot": {"event_id": "slot_event_id", "slot_id": "slot_id"},
    "backoffice.edit_event_message": {
        "event_id": "message_event_id",
        "message_id": "event_message_id",
    },
    "backoffice.edit_sign_up_question": {"question_id": "sign_up_question_id"},
    "questions.edit": {"event_id": "qa_event_id", "question_id": "qa_question_id"},
    "questions.ask_from_event": {"slug": "qa_slug"},
    "bookings.book": {"slug": "young_people_slug"},
    "slots.change_time": {"token": "token:slot_ticket"},
    "registrations.ticket_certificate": {"token": "token:checked_in_ticket"},
    "feedback.event_feedback": {"event_id": "feedback_event_id"},
    "mail.message": {"name": "mail_name"},
    "mail.message_html": {"name": "mail_name"},
    "partners.session": {"event_id": "partner_event_id"},
    "partners.edit_session": {"event_id": "partner_event_id"},
    "partners.session_report": {"event_id": "partner_event_id"},
    "partner_questions.session_questions": {"event_id": "partner_event_id"},
    "partners.proposal": {"proposal_id": "partner_proposal_id"},
    "partners.edit_proposal": {"proposal_id": "partner_proposal_id"},
}

# Pages shot again in Welsh and in Arabic (right to left): the young person's main pages.
LANGUAGE_PREFIXES = ("/cy", "/ar")
IN_EACH_LANGUAGE = ("events.week", "events.detail", "registrations.ticket")

# A link's secret: long, random, mixed case (slugs and mailbox names are lower case).
_SECRET = re.compile(r"/(?=[^/]*[A-Z])[A-Za-z0-9_-]{32,}")


@dataclass(frozen=True)
class Page:
    """One page of the tour: where it is, and who looks at it how."""

    endpoint: str
    path: str
    back_office: bool

    @property
    def partner(self) -> bool:
        return self.path.startswith(PARTNER_PREFIX)

    @property
    def door(self) -> bool:
        return self.path.startswith(DOOR_PREFIX)

    @property
    def widths(self) -> tuple[int, ...]:
        return (1280,) if self.back_office else (320, 1280)

    def file_name(self, width: int) -> str:
        """'public--events-mock-interviews-2027--320.png': readable, and sorted by area."""
        area = "back-office" if self.back_office else "public"
        # "token" reads better than the secret, and keeps it out of file names.
        path = _SECRET.sub("/token", self.path)
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        return f"{area}--{slug[:80]}--{width}.png"


def get_rules(app: Flask) -> list[Rule]:
    """Every rule that answers GET, in address order."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def is_file(rule: Rule) -> bool:
    return rule.rule.endswith(FILE_SUFFIXES)


def argument_sources(rule: Rule) -> dict[str, str] | None:
    """Which demo value fills each of the rule's arguments; None if one has no source."""
    overrides = ROUTE_ARGUMENTS.get(rule.endpoint, {})
    sources = {}
    for argument in rule.arguments:
        if argument in overrides:
            sources[argument] = overrides[argument]
        elif argument == "token":
            kind = next((k for p, k in TOKEN_KINDS.items() if rule.rule.startswith(p)), None)
            if kind is None:
                return None
            sources[argument] = kind
        elif argument in PLAIN_ARGUMENTS:
            sources[argument] = argument
        else:
            return None
    return sources


def unplanned_routes(app: Flask) -> list[str]:
    """GET routes the tour can neither fill nor names as skipped (should be none)."""
    return [
        f"{rule.endpoint} {rule.rule}"
        for rule in get_rules(app)
        if rule.endpoint not in SKIPPED and not is_file(rule) and argument_sources(rule) is None
    ]


def plan_tour(app: Flask, values: Mapping[str, str]) -> tuple[list[Page], list[str]]:
    """The pages to visit, and the routes left out (each with why), for these demo values."""
    pages: list[Page] = []
    left_out: list[str] = []
    adapter = app.url_map.bind("localhost")
    for rule in get_rules(app):
        if rule.endpoint in SKIPPED:
            left_out.append(f"{rule.rule}: {SKIPPED[rule.endpoint]}")
            continue
        if is_file(rule):
            left_out.append(f"{rule.rule}: a file, not a page")
            continue
        sources = argument_sources(rule)
        if sources is None:
            left_out.append(f"{rule.rule}: no demo value for its arguments (add one)")
            continue
        missing = sorted(source for source in sources.values() if not values.get(source))
        if missing:
            left_out.append(f"{rule.rule}: the demo week has no {', '.join(missing)}")
            continue
        arguments = {name: values[source] for name, source in sources.items()}
        path = adapter.build(rule.endpoint, arguments, method="GET")
        back_office = path.startswith(BACK_OFFICE_PREFIXES) and not path.startswith(
            SIGNED_OUT_ACCOUNT_PREFIXES
        )
        pages.append(Page(rule.endpoint, path, back_office))
    pages += [
        Page(page.endpoint, prefix + page.path, page.back_office)
        for prefix in LANGUAGE_PREFIXES
        for page in pages
        if page.endpoint in IN_EACH_LANGUAGE
    ]
    return pages, left_out
