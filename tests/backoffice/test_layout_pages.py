"""The back office's own layout: its menu on every page with the section marked, and the
professionals' footer instead of the young people's "Need support? … call 999" one."""

from __future__ import annotations

import re

import pytest

from nclw.extensions import db
from tests.conftest import login
from tests.partners.helpers import make_partner, make_proposal
from tests.questions.helpers import asked

YOUNG_PEOPLES_FOOTER = "If you are in danger now"


def _menu(page: str) -> str | None:
    found = re.search(r'<nav aria-label="Back office"[^>]*>(.*?)</nav>', page, re.S)
    return found.group(1) if found else None


def _marked(page: str) -> list[tuple[str, str]]:
    """(aria-current, label) of each link the back-office menu marks."""
    menu = _menu(page)
    assert menu is not None, "no back-office menu"
    return re.findall(r'<a href="[^"]*" aria-current="(page|true)">([^<]+)</a>', menu)


def _assert_professional_footer(page: str, email: str) -> None:
    footer = page[page.index("<footer") :]
    assert YOUNG_PEOPLES_FOOTER not in page
    assert "Need support?" not in footer
    assert f"Signed in as <strong>{email}</strong>" in footer
    for words in ("Privacy notice", "Accessibility statement", "The public site"):
        assert words in footer


@pytest.fixture
def qa(week):
    week.event.qa_enabled = True
    db.session.commit()
    return asked(week.event, "What helped you most?", registration=week.confirmed)


@pytest.fixture
def proposal(app):
    return make_proposal(make_partner("Accenture"), submit=True)


def _pages(week, qa, proposal) -> list[tuple[str, str, str]]:
    """(address, section, how it is marked) for a sample of pages across every section."""
    event = week.event.id
    return [
        ("/admin/", "Dashboard", "page"),
        ("/admin/events", "Events", "page"),
        (f"/admin/events/{event}", "Events", "true"),
        (f"/admin/events/{event}/attendees", "Events", "true"),
        (f"/admin/registrations/{week.confirmed.id}", "Events", "true"),
        (f"/admin/events/{event}/messages", "Events", "true"),
        (f"/admin/events/{event}/message", "Events", "true"),
        (f"/admin/events/{event}/slots", "Events", "true"),
        (f"/admin/events/{event}/check-in", "Events", "true"),
        (f"/admin/events/{event}/report", "Events", "true"),
        (f"/admin/events/{event}/questions", "Events", "true"),
        (f"/admin/events/{event}/questions/{qa.id}/edit", "Events", "true"),
        ("/admin/weeks", "Weeks", "page"),
        ("/admin/proposals/", "Proposals", "page"),
        (f"/admin/proposals/{proposal.id}", "Proposals", "true"),
        ("/admin/exports", "Exports", "page"),
        ("/admin/mail", "Mail log", "page"),
        ("/admin/audit", "Audit log", "page"),
        ("/admin/people", "People", "page"),
        ("/admin/organisations", "Organisations", "page"),
    ]


def test_every_back_office_page_has_the_menu_with_its_section_marked(
    organiser_client, week, qa, proposal
):
    for address, section, mark in _pages(week, qa, proposal):
        response = organiser_client.get(address)
        assert response.status_code == 200, address
        page = response.text
        assert _marked(page) == [(mark, section)], address
        _assert_professional_footer(page, week.organiser.email)
        assert 'class="wide-container"' in page, address
        assert "css/backoffice.css" in page, address


def test_the_mark_is_visible_not_only_for_screen_readers(organiser_client, week):
    menu = _menu(organiser_client.get(f"/admin/events/{week.event.id}/attendees").text)
    assert '<li class="is-current"><a href="/admin/events" aria-current="true">Events</a>' in menu
    assert menu.count("is-current") == 1


def test_publishing_a_flagged_question_asks_inside_the_back_office(organiser_client, week):
    week.event.qa_enabled = True
    db.session.commit()
    flagged = asked(week.event, "Ring me on 07700 900123 please", registration=week.confirmed)
    response = organiser_client.post(
        f"/admin/events/{week.event.id}/questions/{flagged.id}/approve"
    )
    assert response.status_code == 200
    page = response.text
    assert "Publish anyway" in page
    assert _marked(page) == [("true", "Events")]
    _assert_professional_footer(page, week.organiser.email)


def test_a_partner_moderating_their_session_sees_their_own_area_not_the_back_office(
    app, client, week
):
    partner = make_partner("Catch22")
    week.event.host = partner.organisation
    week.event.qa_enabled = True
    week.event.partner_moderates = True
    db.session.commit()
    login(client, partner)
    page = client.get(f"/admin/events/{week.event.id}/questions").text
    assert "Questions" in page
    assert _menu(page) is None
    _assert_professional_footer(page, partner.email)


def test_partner_pages_have_the_professional_footer(app, client):
    partner = make_partner("Catch22")
    login(client, partner)
    page = client.get("/partner/").text
    assert _menu(page) is None
    _assert_professional_footer(page, partner.email)


def test_door_staff_pages_have_the_professional_footer_and_no_menu(door_client, door, week):
    for address in ("/door/", f"/admin/events/{week.event.id}/check-in"):
        page = door_client.get(address).text
        assert _menu(page) is None, address
        _assert_professional_footer(page, door.email)


def test_the_public_pages_keep_the_young_peoples_footer(client, week):
    page = client.get("/").text
    assert YOUNG_PEOPLES_FOOTER in page
    assert "backoffice.css" not in page
