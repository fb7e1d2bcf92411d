"""Reaching a ticket as its holder does: through the link in the email we sent them.

The site never shows a ticket link on a page and keeps only hashes of links, so a test that
signs someone up through the form finds their ticket the way they would, in their email.
"""

from __future__ import annotations

import re

from flask import current_app

from nclw.mail.delivery import send_pending
from nclw.mail.dev_mailbox import list_emails

TICKET_LINK = re.compile(r"/tickets/([A-Za-z0-9_-]{20,})")


def ticket_token_in(text: str) -> str:
    """The token of the (first) ticket link in an email's text; AssertionError if none."""
    found = TICKET_LINK.search(text)
    assert found, f"no ticket link in:\n{text}"
    return found.group(1)


def emailed_ticket_token(address: str) -> str:
    """Send the waiting mail (to .eml files) and return the newest ticket link to `address`.

    For apps without a mail server, inside an app context.
    """
    send_pending()
    for email in list_emails(current_app.config["MAIL_FILE_DIRECTORY"]):
        if address.lower() in email.to.lower() and TICKET_LINK.search(email.text):
            return ticket_token_in(email.text)
    raise AssertionError(f"no email with a ticket link was sent to {address}")
