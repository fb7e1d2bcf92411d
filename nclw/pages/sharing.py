"""What a page tells search engines and link previews (Open Graph, Twitter cards) about itself.

Only public pages are shared. A page with a personal link in its address (a ticket, a
booking, a feedback form), a page behind sign-in, or an event that is not published says
"noindex" and nothing else: a preview must never copy a ticket's address into a chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from nclw.events.localised import local_text
from nclw.events.models import PUBLIC_STATUSES, Edition, Event
from nclw.i18n import current_language
from nclw.security import PRIVATE_PREFIXES
from nclw.wording import week_dates

DEFAULT_DESCRIPTION = _l(
    "Free events for care leavers aged 16 to 25 during National Care Leavers' Week. "
    "Find an event near you or online, and sign up in a minute."
)
# Open Graph names a language with its territory.
_OPEN_GRAPH_LOCALES = {"en": "en_GB", "cy": "cy_GB", "ar": "ar_AR"}
# The areas whose pages anyone may see; any other area's page is private however it looks.
PUBLIC_BLUEPRINTS = frozenset({"pages", "events", "registrations", "bookings", "questions"})
# Addresses that carry someone's own secret, whatever area serves them.
_SECRET_ARGUMENTS = frozenset({"token", "reference"})
_PRIVATE_PATHS = (*PRIVATE_PREFIXES, "/bookings/", "/feedback/", "/door")
SHAREABLE_STATUSES = frozenset(PUBLIC_STATUSES)
_LONGEST_DESCRIPTION = 200


@dataclass(frozen=True)
class HeadMeta:
    """The tags for one page: `private` pages get only robots "noindex"."""

    private: bool
    title: str = ""
    description: str = ""
    url: str = ""
    image: str = ""
    image_alt: str = ""
    type: str = "website"
    locale: str = "en_GB"


def page_is_private(*, error: bool = False) -> bool:
    """Whether this request's page is personal or behind sign-in (so never indexed or shared).

    Error pages, and answers to a form, are never worth sharing either.
    """
    if error or not has_request_context() or request.method not in ("GET", "HEAD"):
        return True
    if request.url_rule is None or request.blueprint is None:
        return True
    if request.blueprint not in PUBLIC_BLUEPRINTS:
        return True
    if _SECRET_ARGUMENTS & set(request.view_args or {}):
        return True
    return request.path.startswith(_PRIVATE_PATHS)


def head_meta(
    *, title: object = "", description: object = None, event: object = None, error: object = None
) -> HeadMeta:
    """The tags for the page being drawn; templates pass what they know about themselves
    (anything they do not define arrives as Jinja's Undefined, and counts as nothing)."""
    shared_event = event if isinstance(event, Event) else None
    if page_is_private(error=isinstance(error, int)) or (
        shared_event is not None and shared_event.status not in SHAREABLE_STATUSES
    ):
        return HeadMeta(private=True)
    site = current_app.config["SITE_URL"]
    if shared_event is not None:
        image = url_for("pages.event_share_image", slug=shared_event.slug)
        image_alt = _(
            "%(title)s, part of National Care Leavers' Week",
            title=local_text(shared_event, "title"),
        )
        summary = local_text(shared_event, "summary")
    elif request.endpoint == "events.past_week" and "year" in (request.view_args or {}):
        # An earlier week's page shows that week, not the one coming up.
        image = url_for("pages.past_week_share_image", year=request.view_args["year"])
        image_alt = _("National Care Leavers' Week %(year)s", year=request.view_args["year"])
        summary = ""
    else:
        image = url_for("pages.week_share_image")
        image_alt = _("National Care Leavers' Week")
        summary = ""
    text = _plain(description) or _plain(summary) or str(DEFAULT_DESCRIPTION)
    return HeadMeta(
        private=False,
        title=_plain(title) or _("National Care Leavers' Week"),
        description=_shorten(text),
        # The page's own address without its query: filters are not a different page.
        url=site + request.path,
        image=site + image,
        image_alt=image_alt,
        type="article" if shared_event is not None else "website",
        locale=_OPEN_GRAPH_LOCALES.get(current_language(), "en_GB"),
    )


def week_description(edition: Edition | None) -> str:
    """The week page's description: its theme and dates, then what it offers."""
    if edition is None:
        return str(DEFAULT_DESCRIPTION)
    return _(
        "%(theme)s. %(dates)s. Free events for care leavers aged 16 to 25, near you or online.",
        theme=edition.theme.rstrip("."),
        dates=week_dates(edition.starts_on, edition.ends_on),
    )


def _plain(value: object) -> str:
    """Text from a template value: an undefined variable is empty, markup loses its tags."""
    if value is None or not isinstance(value, str):
        return ""
    if isinstance(value, Markup):
        value = value.striptags()
    return " ".join(value.split())


def _shorten(text: str) -> str:
    if len(text) <= _LONGEST_DESCRIPTION:
        return text
    return text[: _LONGEST_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
