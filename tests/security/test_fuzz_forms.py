"""Hostile text at every public form and at the ticket and API routes.

Control characters, NUL bytes, very long strings, HTML and script, spreadsheet formula
prefixes, mixed scripts and emoji: never a server error, nothing stored by a rejected form,
and the script payload never comes back unescaped.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nclw.addresses import normalise_email
from nclw.events.models import Audience, QuestionAskers
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import Registration
from nclw.security import CONTROL_CHARACTERS
from tests.factories import make_event, make_registration, ticket_link

pytestmark = pytest.mark.thorough  # fifty hostile inputs at each form

SCRIPT = "<script>alert('nclw')</script>"
HOSTILE_PIECES = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "\x07\x1b[31m\x7f",
    "\r\nBcc: victim@example.org",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\u202eevil\u202c",
    "\u200b\ufeff",
    "Zoë 中文 العربية Кирилл हिन्दी",
    "👩🏽‍🎓🏳️‍🌈",
    "' OR 1=1 --",
    "{{ config }}",
    "%s%n%x",
    "../../etc/passwd",
    "a" * 5000,
]
hostile_text = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_PIECES)), max_size=4
).map("".join)

emails = st.one_of(st.emails(), hostile_text, hostile_text.map(lambda t: f"{t}@example.org"))
booleans = st.sampled_from(["", "y", "on", "\x00", SCRIPT])
FUZZ = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 303, 308, 400, 403, 404, 405, 409, 413, 429}


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _assert_safe(response) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code in ALLOWED, (response.status_code, body[:500])
    assert SCRIPT not in body
    assert "onerror=alert(1)>" not in body
    return body


@pytest.fixture
def events(app):
    return {audience: make_event(audience=audience, capacity=500) for audience in Audience}


@FUZZ
@given(
    audience=st.sampled_from(list(Audience)),
    first_name=hostile_text,
    email=emails,
    access_needs=hostile_text,
    organisation_name=hostile_text,
    job_role=hostile_text,
    flags=st.tuples(booleans, booleans, booleans, booleans),
)
def test_sign_up_form(
    client, events, audience, first_name, email, access_needs, organisation_name, job_role, flags
):
    event = events[audience]
    data = {
        "first_name": first_name,
        "email": email,
        "access_needs": access_needs,
        "organisation_name": organisation_name,
        "job_role": job_role,
        "declared_care_experienced": flags[0],
        "share_with_host": flags[1],
        "discreet": flags[2],
        "consent_future_events": flags[3],
    }
    registrations, outbox = _count(Registration), _count(OutboxMessage)
    response = client.post(f"/events/{event.slug}/register", data=data)
    body = _assert_safe(response)
    if response.status_code == 200 and "Check your email" in body:
        stored = db.session.scalar(db.select(Registration).order_by(Registration.id.desc()))
        if _count(Registration) == registrations:
            # An address already signed up: the same page, no second ticket, and at most the
            # holder's ticket sent again.
            assert normalise_email(email) in {
                r.email_normalised for r in db.session.scalars(db.select(Registration))
            }
            assert _count(OutboxMessage) - outbox in (0, 1)
            return
        assert _count(Registration) == registrations + 1
        assert _count(OutboxMessage) == outbox + 1
        # Stored as typed, less control characters and surrounding spaces.
        assert stored.first_name == CONTROL_CHARACTERS.sub("", first_name).strip()
        assert stored.first_name and not CONTROL_CHARACTERS.search(stored.email)
        assert len(stored.first_name) <= 80 and len(stored.email) <= 254
        assert "\r" not in stored.email and "\n" not in stored.email
        _assert_safe(client.get(f"/tickets/{ticket_link(stored)}"))
    else:
        assert _count(Registration) == registrations, body[:300]
        assert _count(OutboxMessage) == outbox


@FUZZ
@given(email=emails)
def test_resend_form(client, events, email):
    event = events[Audience.EVERYONE]
    make_registration(event, email="known@example.org") if not _count(Registration) else None
    registrations = _count(Registration)
    response = client.post(f"/events/{event.slug}/lost-ticket", data={"email": email})
    _assert_safe(response)
    assert _count(Registration) == registrations


@FUZZ
@given(token=hostile_text, suffix=st.sampled_from(["", "/confirmation", "/invite.ics", "/cancel"]))
def test_ticket_routes_with_hostile_tokens(client, events, token, suffix):
    registrations = _count(Registration)
    path = "/tickets/" + token.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    response = client.get(path + suffix)
    _assert_safe(response)
    response = client.post(path + "/cancel", data={"confirm": token})
    _assert_safe(response)
    assert _count(Registration) == registrations


@FUZZ
@given(body=hostile_text, display_name=hostile_text)
def test_question_forms(client, events, body, display_name):
    from nclw.questions.models import Question

    event = events[Audience.EVERYONE]
    if not event.qa_enabled:
        event.qa_enabled = True
        event.qa_askers = QuestionAskers.ANYONE
        db.session.commit()
    ticket = db.session.scalar(db.select(Registration).where(Registration.event_id == event.id))
    token = ticket_link(ticket or make_registration(event))
    for path in (
        f"/events/{event.slug}/questions/ask",
        f"/tickets/{token}/questions/ask",
    ):
        questions = _count(Question)
        response = client.post(path, data={"body": body, "display_name": display_name})
        _assert_safe(response)
        if response.status_code in (302, 303):
            assert _count(Question) == questions + 1
            stored = db.session.scalar(db.select(Question).order_by(Question.id.desc()))
            assert stored.body.strip()
        else:
            assert _count(Question) == questions
        _assert_safe(client.get(f"/tickets/{token}"))
        _assert_safe(client.get(f"/events/{event.slug}"))


@FUZZ
@given(slug=hostile_text, query=st.dictionaries(hostile_text, hostile_text, max_size=3))
def test_public_and_api_routes_with_hostile_input(client, events, slug, query):
    safe_slug = slug.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    for path in (
        f"/events/{safe_slug}",
        f"/events/{safe_slug}.ics",
        f"/api/events/{safe_slug}",
        "/api/events",
        "/",
        "/week.ics",
    ):
        response = client.get(path, query_string=query)
        _assert_safe(response)
        response.close()


@pytest.fixture
def accounts(app):
    """An organiser who can sign in, and live invitation and reset links."""
    from datetime import timedelta

    from nclw.accounts import invitations
    from nclw.accounts import services as account_services
    from nclw.accounts.models import Role, TokenPurpose
    from nclw.timezones import utcnow
    from tests.factories import make_user

    organiser = make_user(Role.ORGANISER, email="organiser@example.org")
    invite = invitations.invite_user(
        "invited@example.org",
        role=Role.ORGANISER,
        organisation=None,
        actor=organiser,
        now=utcnow(),
    )
    reset, _ = account_services._new_token(
        TokenPurpose.PASSWORD_RESET,
        organiser.email,
        timedelta(hours=1),
        now=utcnow(),
        user_id=organiser.id,
    )
    db.session.commit()
    return {"invite": invite, "reset": reset}


def _all_rows() -> dict[str, int]:
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@FUZZ
@given(email=emails, password=hostile_text, name=hostile_text, token=hostile_text)
def test_account_forms(client, accounts, email, password, name, token):
    from nclw.accounts.models import User

    users = _all_rows()["users"]
    _assert_safe(client.post("/sign-in", data={"email": email, "password": password}))
    _assert_safe(client.post("/account/reset", data={"email": email}))
    safe_token = token.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    for path in (f"/account/reset/{safe_token}", f"/account/invite/{safe_token}"):
        _assert_safe(client.get(path))
        _assert_safe(client.post(path, data={"password": password, "confirm": password}))
    # The real links with hostile answers: either accepted as typed, or refused with nothing
    # stored.
    fields = {"name": name, "password": password, "confirm": password}
    invite = client.post(f"/account/invite/{accounts['invite']}", data=fields)
    _assert_safe(invite)
    if invite.status_code not in (302, 303):
        assert _all_rows()["users"] == users
    else:
        user = db.session.scalar(db.select(User).where(User.email == "invited@example.org"))
        assert user.name == CONTROL_CHARACTERS.sub("", name).strip()
    _assert_safe(client.post(f"/account/reset/{accounts['reset']}", data=fields))
    client.post("/sign-out")


@FUZZ
@given(confirm=hostile_text)
def test_ticket_delete_form(client, events, confirm):
    ticket = make_registration(events[Audience.EVERYONE])
    email, first_name = ticket.email, ticket.first_name
    response = client.post(f"/tickets/{ticket.link_token}/delete", data={"confirm": confirm})
    _assert_safe(response)
    db.session.refresh(ticket)
    if response.status_code in (302, 303):
        assert ticket.anonymised_at is not None
        assert email not in (ticket.email, ticket.email_normalised)
        assert ticket.first_name != first_name
        assert client.get(f"/tickets/{ticket.link_token}").status_code == 404
