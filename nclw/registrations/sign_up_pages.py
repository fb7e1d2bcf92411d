"""The sign-up pages that are the same for everyone: the empty form (but its token), and the
"check your email" page that follows (but the address)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache, partial

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import with_expression

from nclw.events import slugs
from nclw.events.cache import event_stamp
from nclw.events.localised import TRANSLATED_INTO, translated_field
from nclw.events.models import Event
from nclw.events.services import public_event_by_slug, sign_up_closed_reason
from nclw.events.shortcut import SharedPage
from nclw.extensions import db
from nclw.registrations.forms import sign_up_form_for
from nclw.registrations.question_setup import asks_questions_clause
from nclw.registrations.sign_up_questions import QUESTIONS_STAMP
from nclw.registrations.slots import SLOTS_STAMP, has_slots_clause
from nclw.render_cache import cached_page, page_is_shared, placeholder, request_variant
from nclw.web import or_404

SIGN_UP_FORMS = "sign-up form"
CHECK_EMAIL_PAGES = "check your email"
_EMAIL = placeholder("email")
PARTS = (SLOTS_STAMP, QUESTIONS_STAMP)


def form_stamp(slug: str, now: datetime):
    """A value that changes whenever the empty sign-up form of this event would."""
    return event_stamp(slug=slug, now=now, parts=PARTS)


# Cookie-less visits to the form are answered from what the view kept, each with a
# session and token of its own (see nclw/events/shortcut.py).
SHARED_FORM = SharedPage(
    endpoint="registrations.register",
    path=re.compile(rf"/events/({slugs.PATTERN})/register"),
    stamp=form_stamp,
    cache_name=SIGN_UP_FORMS,
    form_token=True,
)


def empty_form_page(slug: str, *, now: datetime) -> str:
    """The sign-up page before anything is typed (or why sign-up is closed).

    It is the same for everyone but its form token: rendered once and reused until
    something on it changes, each reader's own token put in (nclw/render_cache.py).
    """
    if page_is_shared():
        stamp = form_stamp(slug, now)
        if stamp is not None:
            page = partial(_render, slug, now=now)
            return cached_page(SIGN_UP_FORMS, (slug, request_variant()), stamp, page)
    return _render(slug, now=now)


def _render(slug: str, *, now: datetime) -> str:
    event = public_event_or_404(slug)
    closed_reason = sign_up_closed_reason(event, now=now)
    if closed_reason:
        return render_template("registrations/closed.html", event=event, reason=closed_reason)
    form = sign_up_form_for(event)
    return render_template("registrations/form.html", event=event, form=form)


@cache
def _event_for_sign_up() -> sa.Select:
    # The public event and, in the same statement, whether it has slots and whether its form
    # asks questions: most events have neither, and each would be a query of its own for
    # every sign-up. (Built once, on first use: building it costs more than running it.)
    return public_event_by_slug().options(
        with_expression(Event.has_slots, has_slots_clause(Event.id)),
        with_expression(Event.asks_questions, asks_questions_clause(Event.id)),
    )


def public_event_or_404(slug: str) -> Event:
    """The published or cancelled event at this address, for its sign-up form, else a 404."""
    return or_404(db.session.scalar(_event_for_sign_up(), {"slug": slug}))


def check_email_page(event) -> Callable[[str, bool], str]:
    """The "check your email" page for a sign-up about to be saved: `page(email, waiting)`.

    Everyone who signs up for an event sees the same page but for their address, so it is
    rendered once for each language and outcome, and the address put in. Its stamp is what
    the page shows of the event, its title (in every language) and its address, read here
    while the event is loaded: the sign-up's commit expires it, and reading it afterwards
    would cost a query for every sign-up.
    """
    stamp = (
        event.slug,
        event.title,
        *(getattr(event, translated_field("title", language)) for language in TRANSLATED_INTO),
    )
    event_id = event.id

    def page(email: str, joins_waiting_list: bool) -> str:
        def render(address: str) -> str:
            return render_template(
                "registrations/check_email.html",
                event=event,
                email=address,
                joins_waiting_list=joins_waiting_list,
            )

        if not page_is_shared():
            return render(email)
        key = (event_id, request_variant(), joins_waiting_list)
        return cached_page(
            CHECK_EMAIL_PAGES, key, stamp, partial(render, _EMAIL), personal={_EMAIL: email}
        )

    return page
