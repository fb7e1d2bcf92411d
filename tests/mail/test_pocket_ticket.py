"""The ticket in the pocket: ticket emails carry the door's QR code inside them."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from flask import url_for
from PIL import Image

from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.mail.delivery import send_pending
from nclw.registrations import messages, messaging, services
from nclw.registrations.services import SignUpDetails
from nclw.registrations.ticket_links import ticket_check_in_link
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration
from tests.mail.helpers import outbox_rows, queue_and_commit

pytestmark = pytest.mark.usefixtures("smtp_app")


def _in_person_event(**overrides):
    return make_event(
        format=EventFormat.IN_PERSON, venue_name="Town Hall", address="1 High St", **overrides
    )


def _inline_qr(message) -> tuple[str, str]:
    """The text the email's inline QR code decodes to, and the HTML that shows it."""
    [related] = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html.get_content()
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert decoded.format == zxingcpp.BarcodeFormat.QRCode
    return decoded.text, html.get_content()


def test_the_confirmation_email_carries_the_ticket_qr_code_inline(smtp_server):
    event = _in_person_event()
    result = services.register(
        event, SignUpDetails(first_name="Sam", email="sam@example.com"), now=utcnow()
    )
    person = result.registration

    send_pending()  # writes the email just before sending it, as every sign-up's is

    [received] = smtp_server.wait_for(1)
    text, html = _inline_qr(received.message)
    assert text == ticket_check_in_link(person)
    # The reference is beside the code, and in the plain-text part for mail programs without
    # pictures; no remote image is loaded.
    assert re.search(rf"ticket reference:<br><strong[^>]*>{person.reference}<", html)
    assert f"tell us your ticket reference, {person.reference}" in received.text()
    assert 'src="http' not in html
    # Once the mail server has it, the outbox forgets what the code said, like the words.
    [row] = outbox_rows()
    assert row.qr_text is None and row.html_body is None


def test_the_qr_code_holds_the_same_check_in_link_as_the_ticket_page(smtp_app):
    person = make_registration(_in_person_event())

    with smtp_app.test_request_context():
        desk = url_for(
            "backoffice.check_in_desk", event_id=person.event_id, reference=person.reference
        )

    assert ticket_check_in_link(person) == smtp_app.config["SITE_URL"] + desk


def test_a_ticket_sent_again_carries_the_qr_code_too(smtp_server):
    person = make_registration(_in_person_event(), email="kai@example.com")
    messaging.resend_ticket(person, now=utcnow())
    db.session.commit()

    send_pending()

    [received] = smtp_server.wait_for(1)
    assert "again" in received.subject
    text, _ = _inline_qr(received.message)
    assert text == ticket_check_in_link(person)


@pytest.mark.parametrize("case", ["online", "waiting", "cancelled event"])
def test_no_qr_code_where_there_is_no_door_to_show_it_at(smtp_server, case):
    if case == "online":
        person = make_registration(make_event(format=EventFormat.ONLINE))
        email = messages.ticket_confirmed(person)
    elif case == "waiting":
        event = _in_person_event(capacity=1)
        make_registration(event)
        person = make_registration(event, status="waiting")
        email = messages.ticket_resent(person)
    else:
        person = make_registration(_in_person_event(status="cancelled"))
        email = messages.ticket_resent(person)
    assert email.qr_text is None
    queue_and_commit(email, person)

    send_pending()

    [received] = smtp_server.wait_for(1)
    types = {p.get_content_type() for p in received.message.walk()}
    assert "image/png" not in types and "multipart/related" not in types
    assert "cid:" not in received.html()
