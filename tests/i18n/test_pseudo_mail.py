"""Every email's words go through the catalogues: subjects, plain text and HTML alike."""

from __future__ import annotations

import re
from types import SimpleNamespace

from nclw.partners import messages as partner_messages
from nclw.registrations import messages
from tests.factories import make_event, make_registration
from tests.mail.gallery import account_emails, other_emails, stand_in_proposal, ticket_emails
from tests.mail.helpers import queue_and_commit
from tests.support.pseudo import untranslated

# What the gallery (tests/mail/gallery.py) puts in: titles, names, places, what people typed.
GALLERY_DATA = [
    "Cooking on a budget",
    "Money and your first flat",
    "Interview skills",
    "Town Hall",
    "1 High Street, Luton",
    "Sam Patel",
    "Jo Bell",
    "Signed up <twice>",
    "The hall flooded.",
    "Bring a <b>pen</b> & a smile.",
    "See you there.",
    "Please add the room.",
    "And the ages.",
    "The week is full.",
    "Too late in the week.",
    "Care-experienced young people",
    "Sam Lead",
    "18 to 25",
    "Accenture",
    "Tuesday 27 October, 4pm to 5:30pm",
    "Wednesday 28 October at 4pm (UK time)",
    "an organiser",
    "Confirmed",
    "Start",
    "4pm",
    "5pm",
    "Hi",
    "AB12CD",
    *("Sam", "Ali", "Kai", "Rae", "Mo", "Jo", "Lou", "Bo", "Amir", "Pat"),
]


def _without_links(text: str) -> str:
    # Links are data; and a short name ("Mo") must not cut one in two before it is seen.
    return re.sub(r"https?://[^\s<\"]+", " ", text)


def _check(name, email, *, subject: bool = True, allowed=()):
    known = [*GALLERY_DATA, *allowed]
    problems = {
        "text": untranslated(_without_links(email.text_body), known, html=False),
        "html": untranslated(_without_links(email.html_body), known),
    }
    if subject:
        problems["subject"] = untranslated(email.subject, known, html=False)
    assert {part: found for part, found in problems.items() if found} == {}, name
    assert "⟪" in email.text_body and "⟪" in email.html_body, name


def test_every_ticket_email_is_translated(pseudo_app):
    emails = ticket_emails()
    assert len(emails) > 20
    for name, email in emails.items():
        _check(name, email)
        if email.ical_body:
            invite = email.ical_body.replace("\r\n ", "")
            description = next(
                line for line in invite.splitlines() if line.startswith("DESCRIPTION")
            )
            assert description.count("⟪") >= 2, name


def test_the_booking_summary_and_partners_emails_are_translated(pseudo_app):
    # Their subjects are the gallery's own stand-ins; the partners' real ones follow.
    for name, email in other_emails().items():
        _check(name, email, subject=False)


def test_the_partners_subjects_are_translated(pseudo_app):
    event = make_event(title="Interview skills")
    proposal = stand_in_proposal(
        organisation=SimpleNamespace(name="Accenture"),
        event=event,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    subjects = [
        partner_messages.proposal_submitted(
            proposal, "to@example.org", version=SimpleNamespace(number=2)
        ).subject,
        partner_messages.changes_requested(proposal, "to@example.org").subject,
        partner_messages.proposal_approved(proposal, "to@example.org").subject,
        partner_messages.proposal_declined(proposal, "to@example.org").subject,
    ]
    for subject in subjects:
        assert untranslated(subject, GALLERY_DATA, html=False) == [], subject


def test_the_account_emails_are_translated(pseudo_app):
    for name, email in account_emails().items():
        _check(name, email)


def test_the_development_mailbox_is_translated(pseudo_app):
    person = make_registration(make_event(title="Cooking on a budget"), first_name="Sam")
    queue_and_commit(messages.ticket_confirmed(person), person)
    client = pseudo_app.test_client()
    sent = client.post("/dev/mail/send", follow_redirects=True).get_data(as_text=True)
    inbox = client.get("/dev/mail/").get_data(as_text=True)
    name = re.search(r'href="/dev/mail/([^"/]+\.eml)"', inbox).group(1)
    message = client.get(f"/dev/mail/{name}").get_data(as_text=True)
    known = [*GALLERY_DATA, person.reference, "UTC"]
    for page in (sent, inbox):
        assert untranslated(page, known) == [], untranslated(page, known)
    # The message page shows the email itself (checked above) and the calendar part as is.
    shown = message.split("<pre", 1)[0]
    assert untranslated(shown, known) == [], untranslated(shown, known)
