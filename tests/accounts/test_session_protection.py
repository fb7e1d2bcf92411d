"""Strong session protection guards signed-in sessions; a visitor's session is left alone."""

from __future__ import annotations

import re

from nclw.extensions import db
from tests.conftest import make_test_app
from tests.factories import make_event, make_user

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_a_visitor_signing_up_is_not_sent_their_session_again(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event(capacity=5)
        client = app.test_client()
        form = client.get(f"/events/{event.slug}/register")
        assert any(c.startswith("session=") for c in form.headers.getlist("Set-Cookie"))
        [token] = TOKEN.findall(form.text)
        signed_up = client.post(
            f"/events/{event.slug}/register",
            data={"csrf_token": token, "first_name": "Sam", "email": "sam@example.com"},
        )
        assert signed_up.status_code == 200 and "Check your email" in signed_up.text
        # The session holds the same token as before: nothing to re-send, nothing to delete.
        assert signed_up.headers.getlist("Set-Cookie") == []
        assert client.get(f"/events/{event.slug}/register").headers.getlist("Set-Cookie") == []
        db.session.remove()
        db.engine.dispose()


def test_a_signed_in_session_used_from_another_address_is_signed_out(app):
    make_user(email="sam@example.org", password=PASSWORD)
    here = app.test_client()
    signed_in = here.post("/sign-in", data={"email": "sam@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert here.get("/admin/").status_code == 200
    with here.session_transaction() as kept:
        stolen = dict(kept)

    elsewhere = app.test_client()
    with elsewhere.session_transaction() as replay:
        replay.update(stolen)
    moved = elsewhere.get("/admin/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert moved.status_code == 302 and "/sign-in" in moved.headers["Location"]
    assert here.get("/admin/").status_code == 200  # the owner's own browser is still in
