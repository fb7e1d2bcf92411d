"""The development mail pages: every email written without a mail server can be read."""

from __future__ import annotations

import re

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.registrations import messages
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.mail.helpers import queue_and_commit


def test_emails_are_written_as_files_and_listed(app, client, tmp_path):
    person = make_registration(make_event())
    queue_and_commit(messages.ticket_confirmed(person), person)

    assert send_pending().sent == 1

    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    inbox = client.get("/dev/mail/")
    assert inbox.status_code == 200
    page = inbox.get_data(as_text=True)
    assert f"Your ticket: {person.event.title} ({person.reference})" in page
    name = re.search(r'href="/dev/mail/([^"/]+\.eml)"', page).group(1)
    assert name == files[0].name

    shown = client.get(f"/dev/mail/{name}").get_data(as_text=True)
    assert person.reference in shown
    assert "METHOD:REQUEST" in shown
    html = client.get(f"/dev/mail/{name}/html")
    assert html.status_code == 200
    assert "sandbox" in html.headers["Content-Security-Policy"]
    download = client.get(f"/dev/mail/{name}/download")
    assert download.data == files[0].read_bytes()


def test_unknown_or_unsafe_names_are_not_found(app, client):
    assert client.get("/dev/mail/nothing.eml").status_code == 404
    assert client.get("/dev/mail/..%2Fsecret_key").status_code == 404


def test_send_now_button_delivers_waiting_mail(app, client):
    person = make_registration(make_event())
    queue_and_commit(messages.ticket_confirmed(person), person)

    response = client.post("/dev/mail/send", follow_redirects=True)

    assert "Sent 1." in response.get_data(as_text=True)


def test_the_pages_do_not_exist_in_production(tmp_path):
    app = make_test_app(tmp_path, TESTING=False, DEVELOPMENT=False, QUESTION_ASKER_KEY="q" * 40)
    with app.app_context():
        client = app.test_client()
        assert client.get("/dev/mail/").status_code == 404
        assert client.post("/dev/mail/send").status_code in (400, 404)
        db.session.remove()
        db.engine.dispose()


def test_the_html_version_shows_the_tickets_qr_code_from_inside_the_email(app, client):
    event = make_event(format=EventFormat.IN_PERSON, venue_name="Hall", address="1 Road")
    person = make_registration(event)
    queue_and_commit(messages.ticket_confirmed(person), person)
    send_pending()
    name = re.search(r'href="/dev/mail/([^"/]+\.eml)"', client.get("/dev/mail/").text).group(1)

    html = client.get(f"/dev/mail/{name}/html").text

    assert "cid:" not in html
    assert 'src="data:image/png;base64,' in html
