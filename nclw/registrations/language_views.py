"""The ticket page's language choice: which language the ticket's emails are written in."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from nclw.extensions import limiter
from nclw.i18n import ENVIRON_CHOSEN, LANGUAGES, request_language
from nclw.registrations import ticket_language
from nclw.registrations.ticket_links import ticket_for_link
from nclw.registrations.views import ticket_page
from nclw.timezones import utcnow
from nclw.web import confirm_or_400, or_404, run_service

bp = Blueprint("ticket_language", __name__)


@bp.app_template_global("ticket_languages")
def ticket_languages():
    """The languages a ticket's emails can be written in, for the choice on its page."""
    return LANGUAGES


@bp.post("/tickets/<token>/language")
@limiter.limit("20 per minute")
def choose(token: str):
    """Write the ticket's emails in the language chosen, then show the ticket in it."""
    registration = or_404(ticket_for_link(token))
    confirm_or_400()
    code, errors = request.form.get("language", ""), []
    outcome = run_service(
        lambda: ticket_language.choose_language(registration, code, now=utcnow()),
        lambda _result: _saved(code),
        errors=errors,
    )
    if not outcome.ok:
        return ticket_page(registration, token, language_errors=errors), 400
    # To the top of the ticket, where the banner says it is saved (in the new language).
    address = url_for("registrations.ticket", token=token)
    return redirect(_in_language(code, address))


def _saved(code: str) -> str:
    # Said in the language just chosen: the first words the person reads in it.
    with force_locale(code):
        return _("Saved. We will write to you in this language about this ticket.")


def _in_language(code: str, address: str) -> str:
    """`address` (from url_for, so in this page's language) in language `code` instead.

    Always with the language in the address, English too: a browser that asks for Welsh
    would otherwise show the ticket in Welsh right after its holder chose English.
    """
    root = request.script_root
    if request.environ.get(ENVIRON_CHOSEN):
        root = root.removesuffix(f"/{request_language()}")
    return f"{root}/{code}" + address.removeprefix(request.script_root)
