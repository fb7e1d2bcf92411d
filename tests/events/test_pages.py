"""Information pages, the support footer and the friendly error pages."""

from __future__ import annotations

import pytest

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.factories import make_event

PUBLIC_PATHS = ["/", "/privacy", "/support", "/accessibility", "/no-such-page"]


def test_privacy_page_says_what_why_who_and_how_long(client):
    page = client.get("/privacy")
    assert page.status_code == 200
    for heading in ("What we collect", "Why we collect it", "Who sees it", "How long we keep it"):
        assert heading in page.text
    assert "90 days after the event ends" in page.text


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


def test_400_is_friendly(client):
    event = make_event()
    page = client.post(f"/events/{event.slug}/register/resend", data={"email": ""})
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
        url = f"/events/{event.slug}/register/resend"
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
