"""Who may keep a response, for how long, and when a reader's copy is still good (304).

One table (`POLICIES`, by blueprint in `PRIVATE_BLUEPRINTS`) classes every GET route:

- public pages: a shared proxy may keep them a few seconds, a browser asks again each time;
- calendar feeds and the open-data API: anyone may keep them a short while;
- the view's own: the route says itself (share pictures, static files);
- everything else is private and never stored: tickets, the back office, partner and door
  pages, accounts, forms.

A public route is answered as private all the same when the response is personal: the
request carries a cookie (a session, a sign-in) or credentials, the page put a form token
in the session, or something already said `no-store`. Every non-GET is private.

Public, feed and API responses carry a strong `ETag` (a hash of the body, so a Welsh page
and an English one never share one) and answer `If-None-Match` with `304 Not Modified`,
keeping `Cache-Control` and `Vary`. The week page's cookie-less shortcut answers it too, from
the headers it kept (see `KeptAnswer`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g, request, session
from werkzeug.http import parse_etags, unquote_etag


@dataclass(frozen=True)
class Policy:
    name: str
    cache_control: str | None  # None: the view sets its own
    shared: bool = False  # may a shared cache (a proxy) keep it
    etag: bool = False  # give an ETag and answer conditional GETs


# A proxy may keep a public page 5 seconds (the rush when a week is announced); browsers
# revalidate every time, so a sign-up shows at once to whoever made it.
PUBLIC = Policy("public", "public, max-age=0, s-maxage=5", shared=True, etag=True)
# Calendars fetch a feed hourly; a few minutes' delay in a calendar app is harmless.
FEED = Policy("feed", "public, max-age=300", shared=True, etag=True)
API = Policy("api", "public, max-age=60", shared=True, etag=True)
OWN = Policy("own", None)
PRIVATE = Policy("private", "no-store")

# Exports of people's details are private wherever they are served from.
PRIVATE_MIMETYPES = frozenset(
    {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
)
# What a 304 carries: the fields that update a stored copy (RFC 9110 15.4.5) and the request
# id. The rest (the page's security headers) is the stored copy's, which a cache keeps.
_NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "date", "etag", "expires", "vary", "x-request-id"}
)


POLICIES: dict[str, Policy] = {
    "events.week": PUBLIC,
    "events.past_week": PUBLIC,
    "events.detail": PUBLIC,
    "pages.privacy": PUBLIC,
    "pages.support": PUBLIC,
    "pages.accessibility": PUBLIC,
    "events.event_calendar": FEED,
    "events.week_calendar": FEED,
    "events.feed_calendar": FEED,
    "api.events": API,
    "api.event": API,
    "api.openapi_document": API,
    # Files with their own validators (send_file) or their own ETag and max-age.
    "static": OWN,
    "pages.favicon": OWN,
    "pages.event_share_image": OWN,
    "pages.week_share_image": OWN,
    "pages.past_week_share_image": OWN,
}
# Every route of these areas is someone's own: a ticket, an account, a form, staff screens.
PRIVATE_BLUEPRINTS = frozenset(
    {
        "accounts",
        "backoffice",
        "bookings",
        "door",
        "feedback",
        "mail",
        "ops",
        "partner_questions",
        "partners",
        "proposal_review",
        "questions",
        "registrations",
        "slots",
        "supporters",
        "ticket_language",
        "two_step",
    }
)


def policy_for(endpoint: str | None) -> Policy | None:
    """The class of a route's GET responses; None for a route nobody has classed yet."""
    if endpoint is None:
        return None
    if endpoint in POLICIES:
        return POLICIES[endpoint]
    if endpoint.partition(".")[0] in PRIVATE_BLUEPRINTS:
        return PRIVATE
    return None


def _personal(response: Response) -> bool:
    """Whether this response belongs to one reader, whatever its route."""
    return bool(
        request.cookies
        or request.authorization
        or "Set-Cookie" in response.headers
        or session.modified  # the session cookie is written after this hook
        or "csrf_token" in g  # a form token is tied to this reader's session
        or "no-store" in response.headers.get("Cache-Control", "")
        or "Cookie" in response.vary
    )


def apply_policy(response: Response) -> Response:
    """Say who may keep this response; answer a conditional GET whose copy is current."""
    if request.method not in ("GET", "HEAD") or response.mimetype in PRIVATE_MIMETYPES:
        # Answers to a form post echo what was typed (names, emails).
        policy = PRIVATE
    else:
        # Unclassed (or unmatched) routes are private: a new route is never shared by mistake.
        policy = policy_for(request.endpoint) or PRIVATE
    if policy is OWN:
        return response
    if policy.shared and (response.status_code != 200 or _personal(response)):
        policy = PRIVATE
    if policy is PRIVATE:
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = PRIVATE.cache_control
    else:
        response.headers["Cache-Control"] = policy.cache_control
    if policy.etag and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
        if response.status_code == 304:
            for name in {name for name, _ in response.headers if not _guides_caches(name)}:
                del response.headers[name]
    return response


def _guides_caches(name: str) -> bool:
    return name.lower() in _NOT_MODIFIED_HEADERS


class KeptAnswer:
    """A response kept to be given again outside Flask, with its 304 made once.

    For the week page's cookie-less shortcut, which answers `If-None-Match` from the headers
    the app produced; the 304 is worked out when the answer is kept, because a reader whose
    copy is current should cost less than a page sent in full.
    """

    __slots__ = ("status", "headers", "body", "etag", "not_modified_headers")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = tuple(headers)
        self.body = body
        self.etag = next((value for name, value in headers if name.lower() == "etag"), None)
        self.not_modified_headers = tuple(
            (name, value) for name, value in headers if _guides_caches(name)
        )

    def unchanged_for(self, asked: str | None) -> bool:
        """Whether a request's `If-None-Match` names this answer's ETag."""
        if not asked or self.etag is None:
            return False
        # The usual case, one tag sent back as it came, is checked without parsing.
        return asked == self.etag or parse_etags(asked).contains_weak(unquote_etag(self.etag)[0])


def init_http_cache(app: Flask) -> None:
    """Decide every response's caching (after the views' and the security headers' say)."""
    app.after_request(apply_policy)
