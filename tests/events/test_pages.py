"""Information pages, the support footer and the friendly error pages."""

from __future__ import annotations

import pytest
from flask import abort
from markupsafe import escape

from nclw.extensions import db
from nclw.pages import statements
from tests.conftest import make_test_app
from tests.factories import make_event

PUBLIC_PATHS = ["/", "/privacy", "/support", "/accessibility", "/no-such-page"]


def test_privacy_notice_names_the_controller_the_law_the_rights_and_the_ico(tmp_path):
    app = make_test_app(tmp_path, DATA_CONTROLLER="Riverside Care Leavers Trust", RETENTION_DAYS=60)
    page = app.test_client().get("/privacy")
    assert page.status_code == 200
    text = page.text
    for heading in (
        "Who we are",
        "What we keep, why, and the law that lets us",
        "Who sees it",
        "How long we keep it",
        "Your rights",
        "If you are not happy",
    ):
        assert heading in text, heading
    assert "Riverside Care Leavers Trust runs this site and is responsible" in text
    assert "60 days after the event ends" in text
    # Each use has its lawful basis in plain words.
    assert text.count("Legitimate interest") + text.count("legitimate interest") >= 4
    assert "your explicit consent" in text and "(your consent)" in text
    for right in ("get a copy", "corrected", "deleted", "object", "take back any consent"):
        assert right in text, right
    assert "https://ico.org.uk/make-a-complaint/" in text and "0303 123 1113" in text
    assert "within one month" in text


def test_accessibility_statement_follows_the_gov_uk_model(client):
    page = client.get("/accessibility")
    assert page.status_code == 200
    text = page.text
    for heading in (
        "How accessible this site is",
        "Reporting accessibility problems with this site",
        "Enforcement procedure",
        "Compliance status",
        "Content that is not accessible",
        "How we tested this site",
        "Preparation of this statement",
    ):
        assert heading in text, heading
    assert "Web Content Accessibility Guidelines version 2.2" in text and "AA" in text
    for problem in statements.KNOWN_PROBLEMS + statements.NON_COMPLIANCE:
        assert str(escape(problem)) in text, problem
    assert statements.long_date(statements.REVIEWED) in text
    assert statements.NEXT_REVIEW > statements.REVIEWED
    assert "Equality Advisory and Support Service" in text


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_page_points_to_support_in_the_footer(client, path):
    html = client.get(path).text
    footer = html[html.index('<footer class="site-footer">') :]
    assert "https://www.childrenscommissioner.gov.uk/help-at-hand/" in footer
    assert "Help at Hand" in footer
    assert "Children&#39;s Commissioner" in footer or "Children's Commissioner" in footer
    assert 'href="/support"' in footer
    assert 'href="/privacy"' in footer


def test_support_page_lists_help_at_hand(client):
    page = client.get("/support")
    assert page.status_code == 200
    assert "Help at Hand" in page.text


def test_404_is_friendly(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.text
    assert "Go to the week" in page.text


def test_400_is_friendly(own_app):
    # Every public form now answers bad input on its own page; a bare 400 can still happen.
    own_app.add_url_rule("/bad-request", "bad_request", lambda: abort(400))
    page = own_app.test_client().get("/bad-request")
    assert page.status_code == 400
    assert "Something was wrong with that request" in page.text
    assert "Traceback" not in page.text


def test_413_is_friendly(tmp_path):
    app = make_test_app(tmp_path, MAX_CONTENT_LENGTH=1000)
    with app.app_context():
        event = make_event()
        page = app.test_client().post(
            f"/events/{event.slug}/register", data={"first_name": "x" * 5000}
        )
        assert page.status_code == 413
        assert "too much" in page.text
        db.session.remove()
        db.engine.dispose()


def test_429_is_friendly(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        event = make_event()
        client = app.test_client()
        url = f"/events/{event.slug}/lost-ticket"
        statuses = [client.post(url, data={"email": "a@example.com"}).status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[-1] == 429
        page = client.post(url, data={"email": "a@example.com"})
        assert "Too many tries" in page.text
        assert "wait a few minutes" in page.text
        db.session.remove()
        db.engine.dispose()


def test_500_is_friendly_and_hides_the_error(tmp_path):
    app = make_test_app(tmp_path)
    # As in production: the error becomes a page instead of reaching the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        page = app.test_client().get("/test-only/boom")
        assert page.status_code == 500
        assert "Sorry, something went wrong on our side" in page.text
        assert "secret internals" not in page.text
        assert "Traceback" not in page.text
        assert "Help at Hand" in page.text  # still a whole page, footer and all
        db.session.remove()
        db.engine.dispose()
