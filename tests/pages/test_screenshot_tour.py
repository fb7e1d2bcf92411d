"""The screenshot tour (`make screenshots`) cannot silently leave a page out."""

from __future__ import annotations

from flask import Blueprint

from tools import screenshot_pages
from tools.screenshots import MIN_GAP, layout_problems


def _every_value(app) -> dict[str, str]:
    """A value for every demo source the tour knows, as if the demo week had everything."""
    sources = {"mail_name": "x.eml"}
    for rule in screenshot_pages.get_rules(app):
        for source in (screenshot_pages.argument_sources(rule) or {}).values():
            sources.setdefault(source, "1")
    return sources


def test_every_get_route_is_visited_or_skipped_with_a_reason(app):
    assert screenshot_pages.unplanned_routes(app) == []
    pages, left_out = screenshot_pages.plan_tour(app, _every_value(app))
    visited = {page.endpoint for page in pages}
    for rule in screenshot_pages.get_rules(app):
        if rule.endpoint not in visited:
            assert any(line.startswith(f"{rule.rule}: ") for line in left_out), rule.rule
    assert not [line for line in left_out if "demo" in line]
    # The public and back-office blueprints' pages are all in it, at the right widths.
    assert {"events.week", "events.detail", "registrations.ticket", "pages.support"} <= visited
    assert {"backoffice.dashboard", "backoffice.event", "partners.home"} <= visited
    widths = {page.endpoint: page.widths for page in pages}
    assert widths["events.week"] == (320, 1280)
    assert widths["backoffice.dashboard"] == (1280,)


def test_every_skipped_route_still_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(screenshot_pages.SKIPPED) - endpoints == set()


def test_a_new_page_whose_arguments_the_tour_cannot_fill_is_reported(own_app):
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/admin/gadgets/<int:gadget_id>", "gadget", lambda gadget_id: "")
    extra.add_url_rule("/things/<token>", "thing", lambda token: "")
    extra.add_url_rule("/admin/events/<int:event_id>/gadgets", "gadgets", lambda event_id: "")
    own_app.register_blueprint(extra)
    assert screenshot_pages.unplanned_routes(own_app) == [
        "extra.gadget /admin/gadgets/<int:gadget_id>",
        "extra.thing /things/<token>",
    ]
    pages, _ = screenshot_pages.plan_tour(own_app, _every_value(own_app))
    assert "/admin/events/1/gadgets" in {page.path for page in pages}


def test_screenshot_names_are_readable_and_keep_no_secret():
    page = screenshot_pages.Page("registrations.ticket", "/tickets/" + "a1B2" * 10, False)
    assert page.file_name(320) == "public--tickets-token--320.png"
    admin = screenshot_pages.Page("backoffice.event", "/admin/events/3", True)
    assert admin.file_name(1280) == "back-office--admin-events-3--1280.png"
    slug = "/events/together-national-conference-2027/register"
    event = screenshot_pages.Page("registrations.register", slug, False)
    assert (
        event.file_name(320) == "public--events-together-national-conference-2027-register--320.png"
    )


def test_pages_reached_from_an_email_are_shot_signed_out_at_both_widths(app):
    pages, _ = screenshot_pages.plan_tour(app, _every_value(app))
    by_endpoint = {page.endpoint: page for page in pages}
    for endpoint in ("accounts.accept_invite", "accounts.request_reset", "feedback.answer"):
        assert by_endpoint[endpoint].widths == (320, 1280), endpoint
    assert by_endpoint["door.home"].door and by_endpoint["door.home"].back_office


def _measured(first_top, last_bottom, header_bottom=100, footer_top=900):
    return {
        "header_bottom": header_bottom,
        "footer_top": footer_top,
        "first_top": first_top,
        "first": "h1",
        "last_bottom": last_bottom,
        "last": "p",
    }


def test_content_must_clear_the_header_and_footer():
    assert layout_problems(_measured(100 + MIN_GAP, 900 - MIN_GAP)) == []
    problems = layout_problems(_measured(100, 899))
    assert problems == [
        f"h1 is 0px below the header (< {MIN_GAP})",
        f"p is 1px above the footer (< {MIN_GAP})",
    ]
    # A page with no header or footer of its own (the projector view) has nothing to clear.
    assert layout_problems(_measured(0, 10, header_bottom=None, footer_top=None)) == []
    assert layout_problems({"main": True, "first_top": None}) == [
        "<main> has nothing visible in it"
    ]
    # An email's own HTML, shown bare in the development mailbox, is not one of our pages.
    assert layout_problems({"main": False}) == []
