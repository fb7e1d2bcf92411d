"""A young person's journey on a phone, with real email delivery to a loopback SMTP server."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo_site import DemoSite, demo_site
from tests.support.browser import new_page
from tests.support.smtp import ReceivedMessage, SmtpSink
from tests.support.tickets import ticket_token_in

pytestmark = pytest.mark.e2e


def _mail_to(
    sink: SmtpSink, address: str, subject_part: str, timeout: float = 30
) -> ReceivedMessage:
    """Wait for a message to `address` whose subject contains `subject_part`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(sink.messages):
            if (
                address.lower() in [to.lower() for to in message.rcpt_tos]
                and subject_part.lower() in message.subject.lower()
            ):
                return message
        time.sleep(0.2)
    seen = [(m.rcpt_tos, m.subject) for m in sink.messages]
    raise AssertionError(f"no '{subject_part}' email to {address} within {timeout}s; got {seen}")


def _ticket_path(message: ReceivedMessage) -> str:
    """The path of the ticket link in an email (the site's address in it is not this server's)."""
    return f"/tickets/{ticket_token_in(message.text())}"


@pytest.fixture
def site(tmp_path, smtp_server: SmtpSink, demo_week):
    env = {**smtp_server.env(), "MAIL_SEND_AFTER_COMMIT": "1"}
    with demo_site(tmp_path, demo_week, env) as running:
        yield running


def _sign_up(page: Page, site: DemoSite, title_word: str, **answers: str) -> None:
    page.goto(site.url + "/")
    page.click(f"a:has-text('{title_word}')")
    page.click(".button:has-text('ticket'), .button:has-text('waiting list')")
    for field, value in answers.items():
        if value == "tick":
            page.check(f"#{field}")
        else:
            page.fill(f"#{field}", value)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _check_your_email(page: Page, address: str) -> str:
    """The page every sign-up answers with; its main text, with the address taken out."""
    assert page.inner_text("h1") == "Check your email"
    main = page.inner_text("main")
    assert address in main
    return main.replace(address, "ADDRESS")


def test_finds_the_careers_session_signs_up_gets_the_email_and_cancels(
    page: Page, site, smtp_server
):
    started = time.monotonic()
    page.goto(site.url + "/")
    assert "National Care Leavers' Week" in page.title()
    page.click("a:has-text('Virtual careers session')")
    assert "Accenture" in page.inner_text("main")
    assert "Care-experienced young people only" in page.inner_text("main")
    page.click("a.button:has-text('Get a free ticket')")
    page.fill("#first_name", "Kai")
    page.fill("#email", "Kai.Young@Example.com")
    page.check("#declared_care_experienced")
    with page.expect_navigation():
        page.click("button:has-text('Get my ticket')")
    first_answer = _check_your_email(page, "Kai.Young@Example.com")
    assert "NCLW-" not in page.content()

    # The ticket reaches Kai by email, and its link opens the ticket page.
    email = _mail_to(smtp_server, "Kai.Young@Example.com", "Your ticket")
    assert time.monotonic() - started < 60
    assert "Virtual careers session" in email.text()
    ticket = _ticket_path(email)
    page.goto(site.url + ticket)
    reference = page.inner_text(".reference")
    assert reference.startswith("NCLW-")
    assert reference in email.subject
    assert reference in email.text()
    assert "Confirmed" in page.inner_text("main")

    # Signing up again (other case) makes no second ticket and answers just as the first time,
    # so nobody learns from the page that Kai signed up; the ticket comes by email again, with
    # a new link of its own to the same ticket.
    _sign_up(
        page,
        site,
        "Virtual careers session",
        first_name="Kai",
        email="kai.young@example.COM",
        declared_care_experienced="tick",
    )
    assert _check_your_email(page, "kai.young@example.COM") == first_answer
    assert reference not in page.content()
    resent = _mail_to(smtp_server, "Kai.Young@Example.com", "Your ticket again")
    assert reference in resent.subject
    again = _ticket_path(resent)
    assert again != ticket
    assert site.query(
        "SELECT count(*) FROM registrations WHERE email_normalised = ?", "kai.young@example.com"
    ) == [(1,)]

    page.goto(site.url + again)
    assert reference in page.inner_text("main")
    assert "Confirmed" in page.inner_text("main")
    page.click("a:has-text('Cancel my ticket')")
    assert "Are you sure" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("button:has-text('Yes, cancel my ticket')")
    assert "Your ticket is cancelled" in page.inner_text("main")
    assert "Cancelled" in page.inner_text("main")
    _mail_to(smtp_server, "Kai.Young@Example.com", "cancel")
    assert site.query("SELECT status FROM registrations WHERE reference = ?", reference) == [
        ("cancelled",)
    ]
    # The first email's link still works, and shows the ticket as it now stands.
    page.goto(site.url + ticket)
    assert "Cancelled" in page.inner_text("main")


def test_waiting_list_place_becomes_a_ticket_when_someone_cancels(
    browser: Browser, site: DemoSite, smtp_server: SmtpSink
):
    # The conference is for adults at work: it asks "Are you 18 or over?" ("Yes" is first).
    professional = {
        "organisation_name": "Luton Council",
        "job_role": "Personal adviser",
        "age_confirmed": "tick",
    }
    people = ["ada@example.net", "ben@example.net"]
    # The conference has 19 of 20 places taken (one ticket brings a supporter), and Jade waits
    # with her carer for two places together. Ada takes the last place; Ben waits behind Jade.
    for email in people:
        with new_page(browser) as page:
            name = email.split("@")[0].title()
            _sign_up(page, site, "TOGETHER", first_name=name, email=email, **professional)
            _check_your_email(page, email)
    with new_page(browser) as page:
        page.goto(f"{site.url}/events/{site.slug('TOGETHER')}")
        assert "Waiting list open" in page.inner_text("main")

    # Each learns from their email what they got, and their ticket page says the same.
    for email, subject, status in [
        (people[0], "Your ticket", "Confirmed"),
        (people[1], "You are on the waiting list", "On the waiting list (number 2)"),
    ]:
        with new_page(browser) as page:
            page.goto(site.url + _ticket_path(_mail_to(smtp_server, email, subject)))
            assert status in page.inner_text("main"), email

    waiting_email = _mail_to(smtp_server, people[1], "waiting list")
    first_ticket = _mail_to(smtp_server, people[0], "Your ticket")
    with new_page(browser) as page:
        page.goto(site.url + _ticket_path(first_ticket) + "/cancel")
        with page.expect_navigation():
            page.click("button:has-text('Yes, cancel my ticket')")
        assert "Your ticket is cancelled" in page.inner_text("main")

    # One place is free: too few for Jade and her carer, who keep their turn; Ben has it.
    promoted = _mail_to(smtp_server, people[1], "You have a place")
    assert promoted.subject != waiting_email.subject
    with new_page(browser) as page:
        page.goto(site.url + _ticket_path(promoted))
        assert "Confirmed" in page.inner_text("main")
    statuses = dict(
        site.query(
            "SELECT email_normalised, status FROM registrations WHERE email_normalised IN (?,?)",
            *people,
        )
    )
    ((jade,),) = site.query("SELECT status FROM registrations WHERE first_name = 'Jade'")
    assert jade == "waiting"
    assert statuses == {people[0]: "cancelled", people[1]: "confirmed"}
