"""The back office's menu: its sections, and which one a page belongs to.

Every back-office page sits in one section, so the menu can show organisers where they are:
a page about an event (its attendees, messages, slots, questions, feedback) is under Events,
a proposal under Proposals. The section is worked out from the page's endpoint, so a new page
needs no template change: tests check every back-office endpoint finds a section.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from flask_babel import lazy_gettext as _l

from nclw.accounts.permissions import is_active_organiser


@dataclass(frozen=True)
class Section:
    """One item of the menu: where it leads, and the endpoints of the pages inside it."""

    label: str
    endpoint: str
    pages: tuple[str, ...]  # endpoint patterns, as fnmatch reads them


# In the menu's order. A page belongs to the first section with a pattern that matches it, so
# the narrower patterns (an organisation's report) come before the wider ones (the week's).
SECTIONS = (
    Section(_l("Dashboard"), "backoffice.dashboard", ("backoffice.dashboard",)),
    Section(_l("Weeks"), "backoffice.week_list", ("backoffice.*week*",)),
    Section(
        _l("Events"),
        "backoffice.event_list",
        (
            "backoffice.*event*",
            "backoffice.attendee*",
            "backoffice.*registration",
            "backoffice.*check_in*",
            "backoffice.promote",
            "backoffice.resend_ticket",
            "backoffice.no_show",
            "backoffice.*slot*",
            "backoffice.*sign_up_question*",
            "backoffice.*message_template*",
            "backoffice.message_attendees",
            "backoffice.*door_staff",
            "questions.*",
            "feedback.*",
        ),
    ),
    Section(_l("Proposals"), "proposal_review.index", ("proposal_review.*",)),
    Section(_l("Exports"), "backoffice.export", ("backoffice.export",)),
    Section(_l("Mail log"), "backoffice.mail_log", ("backoffice.*mail*",)),
    Section(_l("Audit log"), "backoffice.audit_log", ("backoffice.audit_log",)),
    Section(
        _l("People"),
        "backoffice.people",
        (
            "backoffice.people",
            "backoffice.change_role",
            "backoffice.set_active",
            "backoffice.withdraw_invitation",
        ),
    ),
    Section(_l("Organisations"), "backoffice.organisation_list", ("backoffice.*organisation*",)),
)


@dataclass(frozen=True)
class MenuItem:
    """A menu link as the page draws it."""

    label: str
    endpoint: str
    # "page" when this is the page itself, "true" when the page is inside this section (the
    # values of aria-current), or None.
    current: str | None


def section_of(endpoint: str | None) -> Section | None:
    """The section a page belongs to, or None for a page outside the back office."""
    if not endpoint:
        return None
    for section in SECTIONS:
        if any(fnmatchcase(endpoint, pattern) for pattern in section.pages):
            return section
    return None


def menu(endpoint: str | None) -> list[MenuItem]:
    """The menu for the page at `endpoint`, with its own section marked."""
    here = section_of(endpoint)
    items = []
    for section in SECTIONS:
        current = None
        if section == here:
            current = "page" if endpoint == section.endpoint else "true"
        items.append(MenuItem(section.label, section.endpoint, current))
    return items


def staff_layout(user) -> str:
    """The layout of a page both organisers and partners use (moderating a session's questions):
    organisers see the back office around it, partners their own area."""
    return "backoffice/_layout.html" if is_active_organiser(user) else "partners/_layout.html"
