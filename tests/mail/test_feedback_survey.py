"""The feedback survey email reaches a real SMTP server on loopback, once, with working links."""

from __future__ import annotations

from nclw.feedback.answering import invitation_for_link
from nclw.mail.delivery import send_pending
from nclw.registrations.ticket_links import registration_for_link
from nclw.timezones import utcnow
from tests.feedback.helpers import SURVEY_LINK, came, ended_event
from tests.support.tickets import ticket_token_in


def test_the_survey_email_arrives_once_with_a_survey_link_and_a_way_to_say_no(
    smtp_app, smtp_server
):
    runner = smtp_app.test_cli_runner()
    event = ended_event(title="CV workshop")
    person = came(event, email="sam@example.com")

    result = runner.invoke(args=["nclw", "send-surveys"])
    assert result.exit_code == 0 and "Queued 1 feedback surveys." in result.output
    again = runner.invoke(args=["nclw", "send-surveys"])
    assert "Queued 0 feedback surveys." in again.output
    assert send_pending().sent == 1

    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ["sam@example.com"]
    assert received.message["Subject"] == "How was CV workshop? A few quick questions"
    text, html = received.text(), received.html()
    token = SURVEY_LINK.search(text).group(1)
    assert invitation_for_link(token).registration_id == person.id
    for body in (text, html):
        assert f"/feedback/{token}/no-thanks" in body
        assert "anonymous" in body
    assert registration_for_link(ticket_token_in(text)).id == person.id
    assert send_pending().sent == 0
    assert utcnow() > event.ends_at
