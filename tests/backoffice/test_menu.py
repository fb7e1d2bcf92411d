"""The back office's menu: every page sits in a section, and the menu marks it."""

from __future__ import annotations

import pytest

from nclw.backoffice.menu import SECTIONS, menu, section_of

# The blueprints whose pages are back-office pages (organisers', under /admin).
BACK_OFFICE = ("backoffice.", "proposal_review.", "feedback.")


def test_every_back_office_page_belongs_to_a_section(app):
    """A new page that fits no section would show a menu with nothing marked."""
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(BACK_OFFICE) or rule.rule.startswith("/admin/events/")
    }
    assert len(endpoints) > 60
    lost = sorted(endpoint for endpoint in endpoints if section_of(endpoint) is None)
    assert lost == []


@pytest.mark.parametrize(
    ("endpoint", "section"),
    [
        ("backoffice.dashboard", "Dashboard"),
        ("backoffice.event_list", "Events"),
        ("backoffice.event", "Events"),
        ("backoffice.attendees", "Events"),
        ("backoffice.attendee", "Events"),
        ("backoffice.cancel_registration", "Events"),
        ("backoffice.event_messages", "Events"),
        ("backoffice.message_attendees", "Events"),
        ("backoffice.event_slots", "Events"),
        ("backoffice.check_in_desk", "Events"),
        ("backoffice.event_report", "Events"),
        ("backoffice.sign_up_questions", "Events"),
        ("questions.queue", "Events"),
        ("questions.edit", "Events"),
        ("feedback.event_feedback", "Events"),
        ("backoffice.week_list", "Weeks"),
        ("backoffice.week_report", "Weeks"),
        ("backoffice.organisation_report", "Organisations"),
        ("backoffice.organisation", "Organisations"),
        ("backoffice.change_role", "People"),
        ("backoffice.retry_mail", "Mail log"),
        ("proposal_review.index", "Proposals"),
        ("proposal_review.show", "Proposals"),
        ("proposal_review.show_change", "Proposals"),
    ],
)
def test_pages_sit_in_their_section(endpoint, section):
    assert section_of(endpoint).label == section


def test_the_section_page_itself_is_the_page_and_pages_inside_it_are_marked_true():
    assert [(i.label, i.current) for i in menu("backoffice.event_list") if i.current] == [
        ("Events", "page")
    ]
    assert [(i.label, i.current) for i in menu("backoffice.attendees") if i.current] == [
        ("Events", "true")
    ]
    assert [(i.label, i.current) for i in menu("proposal_review.show") if i.current] == [
        ("Proposals", "true")
    ]
    # Every section is always in the menu, in the same order.
    assert [i.label for i in menu(None)] == [s.label for s in SECTIONS]
    assert not any(i.current for i in menu(None))
