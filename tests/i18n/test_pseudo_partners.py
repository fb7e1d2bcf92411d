"""The partner area, the organisers' review of proposals, reports, signing in and two-step
sign-in: every word goes through the catalogues (the pseudo-locale shows any that escaped)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from flask import render_template

from nclw.accounts import invitations, signing_in, two_step
from nclw.accounts.models import Role, TokenPurpose, User
from nclw.accounts.services import _new_token
from nclw.extensions import db
from nclw.partners import session_changes
from nclw.partners.models import ProposalState
from nclw.timezones import utcnow
from tests.conftest import login
from tests.factories import make_event, make_organisation, make_registration, make_user
from tests.partners.helpers import make_partner, make_proposal
from tests.partners.test_views import form_data
from tests.support.pseudo import untranslated

PASSWORD = "correct horse battery"
PARTNER_EMAIL = "partner@example.org"
ORGANISATION = "Catch22"
SESSION = "Mock interviews"
PROPOSAL = "Interview skills with Accenture"

# Wrapped by the parts that own them, not this one: listed until those parts land, so these
# tests look only at what this part owns.
ELSEWHERE: list[str] = []
# What the proposal (tests.partners.helpers) says: typed by the partner.
PROPOSAL_DATA = [
    PROPOSAL,
    "Practise interviews with people who hire.",
    "Two staff on the call.",
    "Sam Lead",
    "sam@accenture.example",
    "A relaxed session.",
    "Mock interview",
    "CV tips",
    "https://meet.example.org/private-room",
]
# What an event from tests.factories says.
EVENT_DATA = ["A test event.", "More about the test event.", "One thing", "Another thing"]
# What the proposal form (tests.partners.test_views) says.
SAVED_DATA = ["CV clinic", "Get your CV checked by recruiters.", "Priya Shah", "07700 900123"]
RECOVERY_CODE = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def assert_all_translated(html: str, *data: str, shows: str = "") -> None:
    """Every word of the page is translated (but `data`), and the page says `shows`."""
    assert shows in html, html
    found = untranslated(html, allowed=[*data, *ELSEWHERE])
    assert found == [], "\n".join(found)


def _partner_with_session(*, sharing: bool = True):
    partner = make_partner(ORGANISATION, email=PARTNER_EMAIL, password=PASSWORD)
    event = make_event(title=SESSION, host=partner.organisation, capacity=12)
    make_registration(event, first_name="Alex", email="alex@example.org", share_with_host=sharing)
    db.session.commit()
    return partner, event


# --- The partner area --------------------------------------------------------------------------


def test_the_partner_home_and_a_proposal_are_translated(pseudo_app):
    partner, event = _partner_with_session()
    proposal = make_proposal(partner)
    client = pseudo_app.test_client()
    login(client, partner)
    home = client.get("/partner/").text
    assert_all_translated(home, ORGANISATION, SESSION, PROPOSAL, shows="⟪Your proposals⟫")
    draft = client.get(f"/partner/proposals/{proposal.id}").text
    assert_all_translated(draft, *PROPOSAL_DATA, shows="⟪This is a draft.")


def test_the_proposal_form_and_its_errors_are_translated(pseudo_app):
    partner = make_partner(ORGANISATION)
    db.session.commit()
    client = pseudo_app.test_client()
    login(client, partner)
    assert_all_translated(client.get("/partner/proposals/new").text, shows="⟪Propose a session")
    refused = client.post("/partner/proposals/new", data={})
    assert refused.status_code == 400
    assert_all_translated(refused.text, shows="⟪Enter the date of the session⟫")
    saved = client.post("/partner/proposals/new", data=form_data(), follow_redirects=True)
    assert_all_translated(saved.text, *SAVED_DATA, shows="⟪Your proposal is saved as a draft.")


def test_a_proposal_sent_back_and_a_refused_submission_are_translated(pseudo_app):
    partner = make_partner(ORGANISATION)
    proposal = make_proposal(partner, safeguarding_lead="")
    client = pseudo_app.test_client()
    login(client, partner)
    # Sending it without a safeguarding lead is refused, in a flashed message.
    refused = client.post(f"/partner/proposals/{proposal.id}/submit", follow_redirects=True)
    assert_all_translated(refused.text, *PROPOSAL_DATA, shows="⟪Name the safeguarding lead")
    proposal.state = ProposalState.CHANGES_REQUESTED
    proposal.reviewer_comments = "Please add a venue."
    db.session.commit()
    form = client.get(f"/partner/proposals/{proposal.id}/edit").text
    assert_all_translated(form, *PROPOSAL_DATA, "Please add a venue.", shows="⟪What the organisers")
    refused = client.post(f"/partner/proposals/{proposal.id}/edit", data={})
    assert refused.status_code == 400
    assert_all_translated(refused.text, "Please add a venue.", shows="⟪Enter the start time")


def test_a_session_its_change_form_and_its_questions_are_translated(pseudo_app):
    partner, event = _partner_with_session()
    client = pseudo_app.test_client()
    login(client, partner)
    people = (SESSION, "Alex", "alex@example.org")
    page = client.get(f"/partner/sessions/{event.id}").text
    assert_all_translated(page, *people, shows="alex@example.org")
    form = client.get(f"/partner/sessions/{event.id}/edit").text
    assert_all_translated(form, SESSION, *EVENT_DATA, shows="⟪Ask for a change⟫")
    refused = client.post(f"/partner/sessions/{event.id}/edit", data={})
    assert refused.status_code == 400
    assert_all_translated(refused.text, SESSION, shows="⟪Enter the end time")
    questions = client.get(f"/partner/sessions/{event.id}/sign-up-questions")
    assert_all_translated(questions.text, SESSION, shows="⟪Propose a question⟫")
    refused = client.post(f"/partner/sessions/{event.id}/sign-up-questions", data={})
    assert_all_translated(refused.text, SESSION, shows="Enter the question")


def test_a_change_waiting_for_review_is_translated(pseudo_app):
    partner, event = _partner_with_session()
    session_changes.ask_for_change(
        event, {"title": "Mock interviews, renamed"}, actor=partner, now=utcnow()
    )
    db.session.commit()
    client = pseudo_app.test_client()
    login(client, partner)
    page = client.get(f"/partner/sessions/{event.id}").text
    people = (SESSION, "Mock interviews, renamed", "Alex", "alex@example.org")
    assert_all_translated(page, *people, shows="⟪Your change is waiting for review⟫")
    withdrawn = client.post(f"/partner/sessions/{event.id}/change/withdraw", follow_redirects=True)
    assert_all_translated(withdrawn.text, *people, shows="⟪Your change is withdrawn.")


def test_the_partner_reports_are_translated(pseudo_app):
    partner, event = _partner_with_session()
    client = pseudo_app.test_client()
    login(client, partner)
    report = client.get(f"/partner/sessions/{event.id}/report").text
    assert_all_translated(report, SESSION, ORGANISATION, shows="⟪Sign-ups over time⟫")
    week = client.get(f"/partner/reports/{event.edition.year}").text
    assert_all_translated(week, SESSION, ORGANISATION, shows="⟪Each event⟫")


# --- Organisers reviewing proposals and changes --------------------------------------------------


def test_the_review_pages_are_translated(pseudo_app):
    organiser = make_user(Role.ORGANISER, email="boss@example.org")
    partner, event = _partner_with_session()
    proposal = make_proposal(partner, submit=True, staff_dbs_checked=False)
    change = session_changes.ask_for_change(
        event, {"title": "Mock interviews, renamed"}, actor=partner, now=utcnow()
    )
    db.session.commit()
    client = pseudo_app.test_client()
    login(client, organiser)
    data = (ORGANISATION, *PROPOSAL_DATA, SESSION, "Mock interviews, renamed", PARTNER_EMAIL)
    assert_all_translated(client.get("/admin/proposals/").text, *data, shows=PROPOSAL)
    show = client.get(f"/admin/proposals/{proposal.id}").text
    assert_all_translated(show, *data, shows="⟪Check before approving:⟫")
    refused = client.post(f"/admin/proposals/{proposal.id}/decline", data={})
    assert refused.status_code == 400
    assert_all_translated(refused.text, *data, shows="⟪Give a reason, so the partner knows why⟫")
    change_page = client.get(f"/admin/proposals/changes/{change.id}").text
    assert_all_translated(change_page, *data, shows="⟪Approve the change⟫")
    refused = client.post(f"/admin/proposals/changes/{change.id}/decline", data={})
    assert_all_translated(refused.text, *data, shows="⟪Give a reason, so the partner knows why⟫")
    approved = client.post(f"/admin/proposals/changes/{change.id}/approve", follow_redirects=True)
    assert_all_translated(approved.text, *data, shows="⟪Approved: the session")


# --- Signing in, resetting a password, accepting an invitation, the account page ---------------


def test_signing_in_and_its_errors_are_translated(pseudo_app):
    make_user(
        Role.PARTNER, email=PARTNER_EMAIL, password=PASSWORD, organisation=make_organisation()
    )
    db.session.commit()
    client = pseudo_app.test_client()
    assert_all_translated(client.get("/sign-in").text)
    empty = client.post("/sign-in", data={})
    assert empty.status_code == 400
    assert_all_translated(empty.text)
    wrong = client.post("/sign-in", data={"email": PARTNER_EMAIL, "password": "not it at all"})
    assert_all_translated(wrong.text, PARTNER_EMAIL, shows="⟪The email address or password")
    with pseudo_app.test_request_context():
        paused = signing_in.paused_page(PARTNER_EMAIL).get_data(as_text=True)
    assert_all_translated(paused, PARTNER_EMAIL, shows="⟪Signing in with a password is paused")


def test_password_resets_and_links_are_translated(pseudo_app):
    user = make_user(Role.PARTNER, email=PARTNER_EMAIL, organisation=make_organisation())
    now = utcnow()
    reset, _ = _new_token(TokenPurpose.PASSWORD_RESET, user.email, timedelta(hours=1), now=now)
    link, _ = _new_token(TokenPurpose.SIGN_IN, user.email, timedelta(minutes=15), now=now)
    db.session.commit()
    client = pseudo_app.test_client()
    assert_all_translated(client.get("/account/reset").text)
    assert_all_translated(client.post("/account/reset", data={}).text)
    sent = client.post("/account/reset", data={"email": PARTNER_EMAIL})
    assert_all_translated(sent.text, PARTNER_EMAIL, shows="a link to choose a new password")
    assert_all_translated(
        client.get(f"/account/reset/{reset}").text, shows="⟪Choose a new password"
    )
    mismatch = client.post(
        f"/account/reset/{reset}", data={"password": "a long new password", "confirm": "other"}
    )
    assert_all_translated(mismatch.text, shows="⟪The two passwords do not match")
    assert_all_translated(
        client.get("/account/reset/no-such-link").text, shows="⟪This link has expired"
    )
    assert_all_translated(client.get("/account/invite/no-such-link").text)
    assert_all_translated(
        client.get(f"/sign-in/link/{link}").text, shows="⟪This link signs you in once"
    )
    assert_all_translated(client.get("/sign-in/link/no-such-link").text)
    asked = client.post("/sign-in/link", data={"email": PARTNER_EMAIL})
    assert_all_translated(asked.text, PARTNER_EMAIL, shows="a link to sign in")


def test_accepting_an_invitation_is_translated(pseudo_app):
    organiser = make_user(Role.ORGANISER)
    raw = invitations.invite_user(
        "new@example.org",
        role=Role.PARTNER,
        organisation=make_organisation(name=ORGANISATION),
        actor=organiser,
        now=utcnow(),
    )
    db.session.commit()
    client = pseudo_app.test_client()
    assert_all_translated(client.get(f"/account/invite/{raw}").text, "new@example.org")
    weak = client.post(
        f"/account/invite/{raw}", data={"name": "Nia", "password": "password1", "confirm": "x"}
    )
    assert weak.status_code == 400
    assert_all_translated(weak.text, "new@example.org", shows="⟪The two passwords do not match")
    done = client.post(
        f"/account/invite/{raw}",
        data={"name": "Nia", "password": PASSWORD, "confirm": PASSWORD},
        follow_redirects=True,
    )
    assert_all_translated(done.text, ORGANISATION, shows="⟪Your account is ready.")


def test_the_account_page_and_its_errors_are_translated(pseudo_app):
    user = make_user(
        Role.PARTNER, email=PARTNER_EMAIL, password=PASSWORD, organisation=make_organisation()
    )
    db.session.commit()
    client = pseudo_app.test_client()
    login(client, user)
    assert_all_translated(
        client.get("/account").text, PARTNER_EMAIL, shows="⟪Two-step sign-in is off."
    )
    wrong = client.post("/account/password", data={"current": "nope"})
    assert wrong.status_code == 400
    assert_all_translated(wrong.text, PARTNER_EMAIL, shows="⟪Choose a new password⟫")
    named = client.post("/account/name", data={"name": "Nia"}, follow_redirects=True)
    assert_all_translated(named.text, PARTNER_EMAIL, shows="⟪Your name is saved.⟫")
    gone = client.post("/account/sign-out-everywhere", follow_redirects=True)
    assert_all_translated(gone.text, shows="⟪You are signed out on every device.⟫")


# --- Two-step sign-in ---------------------------------------------------------------------------


def _with_two_step() -> tuple[User, list[str]]:
    user = make_partner(ORGANISATION, email=PARTNER_EMAIL, password=PASSWORD)
    two_step.begin_two_step(user)
    earlier = utcnow() - timedelta(seconds=30)
    code = pyotp.TOTP(user.totp_secret).at(earlier)
    codes = two_step.turn_on_two_step(user, code, now=earlier)
    db.session.commit()
    return user, codes


def test_setting_up_two_step_sign_in_is_translated(pseudo_app):
    user = make_user(Role.PARTNER, email=PARTNER_EMAIL, organisation=make_organisation())
    db.session.commit()
    client = pseudo_app.test_client()
    login(client, user)
    assert_all_translated(client.get("/account/two-step").text, shows="⟪Turn on two-step")
    set_up = client.post("/account/two-step/start", follow_redirects=True)
    db.session.refresh(user)
    key = two_step.secret_in_groups(user)  # typed into the app if the QR code will not scan
    assert_all_translated(set_up.text, *key, shows="⟪Set up your authenticator app")
    wrong = client.post("/account/two-step/confirm", data={"code": "12"})
    assert wrong.status_code == 400
    assert_all_translated(wrong.text, *key, shows="⟪Enter the 6 digits")
    right = pyotp.TOTP(user.totp_secret).now()
    codes = client.post("/account/two-step/confirm", data={"code": right}, follow_redirects=True)
    assert_all_translated(codes.text, *RECOVERY_CODE.findall(codes.text), shows="⟪Save your")


def test_signing_in_with_two_step_is_translated(pseudo_app):
    user, codes = _with_two_step()
    client = pseudo_app.test_client()
    client.post("/sign-in", data={"email": PARTNER_EMAIL, "password": PASSWORD})
    assert_all_translated(client.get("/sign-in/code").text, shows="⟪Enter the code from")
    empty = client.post("/sign-in/code", data={})
    assert empty.status_code == 400
    assert_all_translated(empty.text, shows="⟪Enter the 6-digit code")
    wrong = client.post("/sign-in/code", data={"code": "000000"})
    assert_all_translated(wrong.text, shows="⟪That code is not right.")
    assert_all_translated(client.get("/sign-in/recovery-code").text, shows="⟪Use a recovery code")
    refused = client.post("/sign-in/recovery-code", data={"recovery_code": "abcde-23456"})
    assert_all_translated(refused.text, shows="⟪That recovery code is not right")
    used = client.post(
        "/sign-in/recovery-code", data={"recovery_code": codes[0]}, follow_redirects=True
    )
    assert_all_translated(used.text, ORGANISATION, shows="⟪You have used a recovery code.")
    with pseudo_app.test_request_context():
        assert_all_translated(
            render_template("two_step/paused.html"), shows="⟪Signing in is paused"
        )


def test_managing_two_step_sign_in_is_translated(pseudo_app):
    user, _ = _with_two_step()
    client = pseudo_app.test_client()
    login(client, user)
    assert_all_translated(
        client.get("/account").text, PARTNER_EMAIL, shows="unused recovery codes.⟫"
    )
    assert_all_translated(client.get("/account/two-step/recovery-codes").text, shows="⟪Make new")
    renewed = client.post("/account/two-step/recovery-codes", follow_redirects=True)
    assert_all_translated(
        renewed.text, *RECOVERY_CODE.findall(renewed.text), shows="⟪Your old recovery codes"
    )
    assert_all_translated(client.get("/account/two-step/off").text, shows="⟪Turn off")
    refused = client.post("/account/two-step/off", data={})
    assert refused.status_code == 400
    assert_all_translated(refused.text, shows="⟪Enter your password or a code")
    off = client.post("/account/two-step/off", data={"password": PASSWORD}, follow_redirects=True)
    assert_all_translated(off.text, PARTNER_EMAIL, shows="⟪Two-step sign-in is off. Signing in now")
