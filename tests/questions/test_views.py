"""Asking, moderating and presenting questions through the pages: wiring, escaping, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.accounts.models import Role
from nclw.audit.models import AuditEntry
from nclw.events.models import QuestionAskers
from nclw.extensions import db
from nclw.questions import services
from nclw.questions.models import Question, QuestionStatus
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.services import cancel_registration
from nclw.timezones import utcnow
from tests.conftest import login, make_test_app
from tests.factories import make_registration, make_user
from tests.questions.helpers import approved, asked, qa_event

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
XSS_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _ticket(registration) -> str:
    return f"/tickets/{registration.link_token}"


def _admin(event) -> str:
    return f"/admin/events/{event.id}/questions"


def _questions(event) -> list[Question]:
    return list(db.session.scalars(sa.select(Question).where(Question.event_id == event.id)))


# --- asking ------------------------------------------------------------------------------------


def test_ticket_page_offers_the_form_with_the_contact_reminder(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    page = client.get(_ticket(registration)).text
    assert "Questions for the Q&amp;A" in page
    assert "do not include contact details" in page
    assert f'action="/tickets/{registration.link_token}/questions/ask"' in page


def test_no_question_form_when_the_event_takes_no_questions(client) -> None:
    event = qa_event(qa_enabled=False)
    registration = make_registration(event)
    assert "Questions for the Q&amp;A" not in client.get(_ticket(registration)).text
    assert client.get(f"/events/{event.slug}/questions/ask").status_code == 404


def test_asking_from_a_ticket_keeps_it_private_until_approved(client) -> None:
    event = qa_event(qa_public_list=True)
    asker, other = make_registration(event), make_registration(event)
    response = client.post(
        f"{_ticket(asker)}/questions/ask", data={"body": "What is a graduate scheme?"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"{_ticket(asker)}#question-sent")
    [question] = _questions(event)
    assert question.status == QuestionStatus.PENDING
    mine = client.get(_ticket(asker)).text
    assert "What is a graduate scheme?" in mine
    assert "Waiting for a check" in mine
    # Nowhere public before approval.
    assert "graduate scheme" not in client.get(_ticket(other)).text
    assert "graduate scheme" not in client.get(f"/events/{event.slug}").text


def test_a_flagged_question_tells_the_asker(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    response = client.post(
        f"{_ticket(registration)}/questions/ask",
        data={"body": "Text me on 07700 900123"},
        follow_redirects=True,
    )
    assert "It seems to include a phone number" in response.text


def test_a_wrong_question_comes_back_with_what_was_typed(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    response = client.post(
        f"{_ticket(registration)}/questions/ask",
        data={"body": "x" * 501, "display_name": "Sam"},
    )
    assert response.status_code == 400
    assert "500 characters or fewer" in response.text
    assert 'value="Sam"' in response.text
    assert "x" * 501 in response.text
    assert _questions(event) == []


def test_a_closed_event_refuses_questions_with_a_message(client) -> None:
    event = qa_event(starts_at=utcnow() - timedelta(hours=3))
    registration = make_registration(event)
    response = client.post(f"{_ticket(registration)}/questions/ask", data={"body": "Late?"})
    assert response.status_code == 400
    assert "has finished" in response.text
    assert _questions(event) == []


def test_the_event_page_form_only_where_anyone_may_ask(client) -> None:
    holders_only = qa_event()
    page = client.get(f"/events/{holders_only.slug}").text
    assert "send questions from your ticket page" in page
    assert "questions/ask" not in page
    assert (
        client.post(f"/events/{holders_only.slug}/questions/ask", data={"body": "Hi?"}).status_code
        == 400
    )
    assert _questions(holders_only) == []

    anyone = qa_event(qa_askers=QuestionAskers.ANYONE)
    assert f"/events/{anyone.slug}/questions/ask" in client.get(f"/events/{anyone.slug}").text
    response = client.post(f"/events/{anyone.slug}/questions/ask", data={"body": "Hi there?"})
    assert response.status_code == 302
    assert client.get_cookie("nclw_qa_browser") is not None
    page = client.get(f"/events/{anyone.slug}").text
    assert "Your questions" in page and "Hi there?" in page


def test_withdraw_from_the_event_page_with_the_same_browser_only(app) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    mine, stranger = app.test_client(), app.test_client()
    mine.post(f"/events/{event.slug}/questions/ask", data={"body": "Mine?"})
    [question] = _questions(event)
    url = f"/events/{event.slug}/questions/{question.id}/withdraw"
    assert stranger.post(url).status_code == 400  # no browser id at all
    stranger.set_cookie("nclw_qa_browser", "s" * 32)
    assert stranger.post(url).status_code == 403
    assert mine.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.WITHDRAWN


def _sign_up_with_a_question(client, event, email: str = "robin@example.com"):
    return client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Robin", "email": email, "first_question": "Hi?"},
    )


def _ticket_for(event, email: str) -> Registration:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.email == email
        )
    )


def _is_the_check_email_page(response) -> None:
    # The page never says what became of the question: it is the same for everyone.
    assert response.status_code == 200
    assert "Check your email</h1>" in response.text
    assert "Hi?" not in response.text
    assert "your question" not in response.text.lower()
    assert 'class="notice' not in response.text  # no flash either way


def test_the_sign_up_form_takes_a_first_question(client) -> None:
    event = qa_event()
    form = client.get(f"/events/{event.slug}/register").text
    assert "A question for the Q&amp;A (optional)" in form
    response = _sign_up_with_a_question(client, event)
    _is_the_check_email_page(response)
    [question] = _questions(event)
    registration = _ticket_for(event, "robin@example.com")
    assert question.body == "Hi?"
    assert question.status == QuestionStatus.PENDING
    assert question.asker_key == services.ticket_key(registration)
    # Kept only to the hour, so its time does not point at the sign-up it came with.
    assert (question.created_at.minute, question.created_at.second) == (0, 0)
    assert question.created_at.microsecond == 0


def test_a_waiting_list_ticket_page_explains_instead_of_offering_the_form(client) -> None:
    event = qa_event(capacity=1, qa_public_list=True)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    waiting_words = "You are on the waiting list. If you get a place, you can send questions"
    page = client.get(_ticket(waiting)).text
    assert "Questions for the Q&amp;A" in page
    assert waiting_words in page
    assert "/questions/ask" not in page
    ask_page = client.get(f"{_ticket(waiting)}/questions/ask")
    assert ask_page.status_code == 200
    assert waiting_words in ask_page.text
    assert 'name="body"' not in ask_page.text

    refused = client.post(f"{_ticket(waiting)}/questions/ask", data={"body": "Can I ask?"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert refused.text.count(waiting_words) == 1
    assert _questions(event) == []


def test_a_waiting_list_place_can_ask_once_it_becomes_a_ticket(client) -> None:
    event = qa_event(capacity=1)
    holder = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    cancel_registration(holder, now=utcnow())  # the place goes to the person waiting
    db.session.commit()
    assert waiting.is_confirmed
    assert f'action="{_ticket(waiting)}/questions/ask"' in client.get(_ticket(waiting)).text
    response = client.post(f"{_ticket(waiting)}/questions/ask", data={"body": "In now?"})
    assert response.status_code == 302
    [question] = _questions(event)
    assert question.asker_key == services.ticket_key(waiting)


def test_a_first_question_from_the_waiting_list_is_not_sent(client) -> None:
    event = qa_event(capacity=1)
    make_registration(event)
    response = _sign_up_with_a_question(client, event)
    _is_the_check_email_page(response)
    assert _ticket_for(event, "robin@example.com").status == RegistrationStatus.WAITING
    assert _questions(event) == []


def test_a_first_question_from_a_confirmed_ticket_is_sent_from_that_ticket(client) -> None:
    event = qa_event()
    response = _sign_up_with_a_question(client, event)
    _is_the_check_email_page(response)
    registration = _ticket_for(event, "robin@example.com")
    assert registration.status == RegistrationStatus.CONFIRMED
    [question] = _questions(event)
    assert question.asker_key == services.ticket_key(registration)


def test_a_first_question_with_an_address_already_signed_up_is_not_sent(client) -> None:
    # Only a new sign-up sends its question: anyone can type an address that holds a ticket.
    event = qa_event()
    make_registration(event, email="robin@example.com")
    response = _sign_up_with_a_question(client, event)
    _is_the_check_email_page(response)
    assert _questions(event) == []


def test_where_anyone_may_ask_the_waiting_list_asks_from_the_ticket_and_the_page(client) -> None:
    event = qa_event(capacity=1, qa_askers=QuestionAskers.ANYONE)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    assert f'action="{_ticket(waiting)}/questions/ask"' in client.get(_ticket(waiting)).text
    assert (
        client.post(f"{_ticket(waiting)}/questions/ask", data={"body": "Ticket?"}).status_code
        == 302
    )
    assert (
        client.post(f"/events/{event.slug}/questions/ask", data={"body": "Page?"}).status_code
        == 302
    )
    assert sorted(question.body for question in _questions(event)) == ["Page?", "Ticket?"]


def test_the_sign_up_form_has_no_question_when_the_event_takes_none(client) -> None:
    event = qa_event(qa_enabled=False)
    assert "first_question" not in client.get(f"/events/{event.slug}/register").text


def test_withdraw_from_the_ticket_page(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    question = asked(event, "Take me back", registration=registration)
    someone = make_registration(event)
    url = f"/questions/{question.id}/withdraw"
    assert client.post(_ticket(someone) + url).status_code == 403
    assert client.post(_ticket(registration) + url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.WITHDRAWN
    assert client.post(_ticket(registration) + url).status_code == 409


def test_no_get_changes_state(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    question = approved(event)
    login(client, make_user(Role.ORGANISER))
    for url in (
        f"{_ticket(registration)}/questions/{question.id}/withdraw",
        f"{_ticket(registration)}/questions/{question.id}/vote",
        f"{_admin(event)}/{question.id}/answer",
        f"{_admin(event)}/approve",
    ):
        assert client.get(url).status_code == 405
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.APPROVED


def test_every_post_needs_the_csrf_token(tmp_path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = qa_event()
        registration = make_registration(event)
        question = approved(event)
        client = app.test_client()
        ask = client.post(f"{_ticket(registration)}/questions/ask", data={"body": "Hi?"})
        vote = client.post(f"{_ticket(registration)}/questions/{question.id}/vote")
        assert ask.status_code == 400 and vote.status_code == 400
        assert len(_questions(event)) == 1
        db.session.remove()
        db.engine.dispose()


# --- voting ------------------------------------------------------------------------------------


def test_vote_once_from_a_ticket(client) -> None:
    event = qa_event()
    registration = make_registration(event)
    question = approved(event, "Vote for me?")
    url = f"{_ticket(registration)}/questions/{question.id}/vote"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 409
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 1
    assert "You voted for this question." in client.get(_ticket(registration)).text


def test_a_waiting_list_ticket_votes_once_it_has_a_place(client) -> None:
    event = qa_event(capacity=1, qa_public_list=True)
    holder = make_registration(event)
    question = approved(event, "Vote for me?", registration=holder)
    waiting = make_registration(event, status=RegistrationStatus.WAITING)
    url = f"{_ticket(waiting)}/questions/{question.id}/vote"
    assert f'action="{url}"' not in client.get(_ticket(waiting)).text
    assert client.post(url).status_code == 403
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 0

    cancel_registration(holder, now=utcnow())  # the place goes to the person waiting
    db.session.commit()
    assert f'action="{url}"' in client.get(_ticket(waiting)).text
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 1


def test_vote_once_per_browser_where_anyone_may_ask(app) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE, qa_public_list=True)
    question = approved(event, "Vote for me?")
    url = f"/events/{event.slug}/questions/{question.id}/vote"
    first, second = app.test_client(), app.test_client()
    assert first.post(url).status_code == 302
    assert first.post(url).status_code == 409
    assert second.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).vote_count == 2


def test_no_browser_votes_on_ticket_holders_events(client) -> None:
    event = qa_event(qa_public_list=True)
    question = approved(event)
    assert client.post(f"/events/{event.slug}/questions/{question.id}/vote").status_code == 409


# --- the public list ---------------------------------------------------------------------------


def test_the_public_list_is_the_organisers_choice(client) -> None:
    event = qa_event()
    approved(event, "An approved question")
    assert "An approved question" not in client.get(f"/events/{event.slug}").text
    event.qa_public_list = True
    db.session.commit()
    assert "An approved question" in client.get(f"/events/{event.slug}").text


def test_only_approved_and_answered_questions_are_public(client) -> None:
    event = qa_event(qa_public_list=True)
    organiser = make_user(Role.ORGANISER)
    asked(event, "Pending words")
    services.reject_question(asked(event, "Rejected words"), actor=organiser, now=utcnow())
    withdrawn = asked(event, "Withdrawn words")
    withdrawn.status = QuestionStatus.WITHDRAWN
    answered = approved(event, "Answered words")
    services.mark_answered(answered, actor=organiser, now=utcnow())
    approved(event, "Approved words")
    db.session.commit()
    page = client.get(f"/events/{event.slug}").text
    assert "Approved words" in page and "Answered words" in page
    for hidden in ("Pending words", "Rejected words", "Withdrawn words"):
        assert hidden not in page


# --- escaping ----------------------------------------------------------------------------------


def test_xss_is_escaped_everywhere_questions_are_shown(client) -> None:
    event = qa_event(qa_public_list=True)
    registration = make_registration(event)
    approved_question = approved(event, XSS, registration=registration, display_name=XSS[:40])
    pending = asked(event, XSS + " pending", registration=registration)
    organiser = make_user(Role.ORGANISER)
    services.pin_question(approved_question, actor=organiser, now=utcnow())
    db.session.commit()

    public = [client.get(f"/events/{event.slug}").text, client.get(_ticket(registration)).text]
    login(client, organiser)
    back_office = [
        client.get(_admin(event)).text,
        client.get(f"{_admin(event)}?status=approved").text,
        client.get(f"{_admin(event)}/{pending.id}/edit").text,
        client.get(f"{_admin(event)}/presenter").text,
        client.get(f"{_admin(event)}/presenter/live").text,
    ]
    for page in public + back_office:
        assert XSS not in page
        assert "<img src=x" not in page
        assert XSS_ESCAPED in page or XSS_ESCAPED.replace("&#34;", "&quot;") in page

    event.starts_at = utcnow() - timedelta(hours=2)
    event.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    export = client.get(f"{_admin(event)}.csv")
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    assert export.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in export.headers["Content-Disposition"]
    # In a CSV the words are data, shown as typed; a leading "=" or "<" never becomes markup.
    assert '"<script>alert(""x"")</script><img src=x onerror=alert(1)>"' in export.text


# --- anonymity in the back office --------------------------------------------------------------


def test_an_anonymous_askers_identity_appears_in_no_back_office_page_or_export(client) -> None:
    event = qa_event(qa_public_list=True)
    registration = make_registration(
        event, first_name="Quillon", email="quillon.secret@example.com"
    )
    organiser = make_user(Role.ORGANISER)
    anonymous = asked(event, "Anonymous pending?", registration=registration)
    shown = approved(event, "Anonymous approved?", registration=registration)
    services.vote_for_question(shown, voter_key=services.ticket_key(registration))
    services.edit_question(shown, "Anonymous approved, edited?", actor=organiser, now=utcnow())
    services.pin_question(shown, actor=organiser, now=utcnow())
    answered = approved(event, "Anonymous answered?", registration=registration)
    services.mark_answered(answered, actor=organiser, now=utcnow())
    db.session.commit()

    identity = [
        registration.first_name,
        registration.email,
        registration.reference,
        registration.link_token,
        services.ticket_key(registration),
    ]
    login(client, organiser)
    pages = [client.get(f"{_admin(event)}?status={state.value}").text for state in QuestionStatus]
    pages += [
        client.get(f"{_admin(event)}/{anonymous.id}/edit").text,
        client.get(f"{_admin(event)}/presenter").text,
        client.get(f"{_admin(event)}/presenter/live").text,
    ]
    event.starts_at = utcnow() - timedelta(hours=2)
    event.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    pages.append(client.get(f"{_admin(event)}.csv").text)
    audit = " ".join(
        f"{entry.summary} {entry.target_type} {entry.target_id}"
        for entry in db.session.scalars(sa.select(AuditEntry))
    )
    assert "Anonymous pending?" in pages[0]  # the pages did render the questions
    for page in [*pages, audit]:
        for secret in identity:
            assert secret not in page


# --- moderation --------------------------------------------------------------------------------


def test_moderators_must_sign_in(client) -> None:
    event = qa_event()
    response = client.get(_admin(event))
    assert response.status_code == 302
    assert (
        "sign-in" in response.location
        or "sign_in" in response.location
        or "login" in (response.location)
    )


def test_partners_moderate_their_own_sessions_only_when_allowed(app) -> None:
    partner = make_user(Role.PARTNER)
    theirs = qa_event(host=partner.organisation)
    other = qa_event(partner_moderates=True)
    client = app.test_client()
    login(client, partner)
    assert client.get(_admin(theirs)).status_code == 403
    assert client.get(_admin(other)).status_code == 403
    theirs.partner_moderates = True
    db.session.commit()
    page = client.get(_admin(theirs))
    assert page.status_code == 200
    assert "Q&amp;A settings" not in page.text  # settings are the organisers' choice
    assert (
        client.post(
            f"{_admin(theirs)}/settings", data={"enabled": "y", "askers": "anyone"}
        ).status_code
        == 403
    )


def test_queue_shows_counts_and_moves_questions(client) -> None:
    event = qa_event()
    first, second = asked(event, "First?"), asked(event, "Second?")
    login(client, make_user(Role.ORGANISER))
    page = client.get(_admin(event)).text
    assert "Waiting for a check (2)" in page and "Approved (0)" in page
    assert client.post(f"{_admin(event)}/{first.id}/approve").status_code == 302
    assert client.post(f"{_admin(event)}/{second.id}/reject").status_code == 302
    page = client.get(_admin(event)).text
    assert "Waiting for a check (0)" in page and "Approved (1)" in page
    assert "Not used (1)" in page
    # Illegal moves are refused with a message, not a crash.
    refused = client.post(f"{_admin(event)}/{second.id}/approve")
    assert refused.status_code == 409
    assert "You cannot approve a question that is not used" in refused.text
    assert client.post(f"{_admin(event)}/{first.id}/explode").status_code == 404


def test_a_question_from_another_event_is_not_found(client) -> None:
    event, other = qa_event(), qa_event()
    question = asked(other)
    login(client, make_user(Role.ORGANISER))
    assert client.post(f"{_admin(event)}/{question.id}/approve").status_code == 404


def test_bulk_approve_from_the_queue(client) -> None:
    event = qa_event()
    clean = [asked(event, f"Clean {n}?") for n in range(3)]
    flagged = asked(event, "Email sam@example.org")
    login(client, make_user(Role.ORGANISER))
    page = client.get(_admin(event)).text
    assert f'value="{flagged.id}" id="select-' not in page  # flagged ones cannot be ticked
    response = client.post(
        f"{_admin(event)}/approve",
        data={"question_id": [str(q.id) for q in clean] + [str(flagged.id)]},
        follow_redirects=True,
    )
    assert "3 questions approved. 1 not approved" in response.text
    db.session.expire_all()
    assert [db.session.get(Question, q.id).status for q in clean] == [QuestionStatus.APPROVED] * 3
    assert db.session.get(Question, flagged.id).status == QuestionStatus.PENDING


def test_edit_out_a_personal_detail_and_approve(client) -> None:
    event = qa_event()
    organiser = make_user(Role.ORGANISER)
    question = asked(event, "My number is 07700 900123. What do engineers earn?")
    login(client, organiser)
    form = client.get(f"{_admin(event)}/{question.id}/edit").text
    assert "may include a phone number" in form
    response = client.post(
        f"{_admin(event)}/{question.id}/edit",
        data={"body": "What do engineers earn?", "approve": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.body == "What do engineers earn?"
    assert question.status == QuestionStatus.APPROVED
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == question.id)
    ).all()
    assert "question.edited" in actions and "question.approved" in actions
    summaries = " ".join(db.session.scalars(sa.select(AuditEntry.summary)))
    assert "07700" not in summaries


def test_an_empty_edit_is_refused_and_keeps_the_question(client) -> None:
    event = qa_event()
    question = asked(event, "Keep me")
    login(client, make_user(Role.ORGANISER))
    response = client.post(f"{_admin(event)}/{question.id}/edit", data={"body": "  "})
    assert response.status_code == 400
    assert "Enter the question" in response.text
    db.session.expire_all()
    assert db.session.get(Question, question.id).body == "Keep me"


def test_the_presenter_view_follows_pins_and_answers_made_in_the_queue(client) -> None:
    event = qa_event()
    approved(event, "First up?")
    second = approved(event, "Second up?")
    login(client, make_user(Role.ORGANISER))
    page = client.get(f"{_admin(event)}/presenter").text
    assert '<meta http-equiv="refresh" content="10">' in page
    assert "js/presenter.js" in page
    assert "No approved questions" not in page
    response = client.post(f"{_admin(event)}/{second.id}/pin", data={"back_to": "approved"})
    assert response.location.endswith(f"{_admin(event)}?status=approved")
    live = client.get(f"{_admin(event)}/presenter/live").text
    assert live.index("Answering now") < live.index("Second up?") < live.index("First up?")
    client.post(f"{_admin(event)}/{second.id}/answer", data={"back_to": "approved"})
    live = client.get(f"{_admin(event)}/presenter/live").text
    assert "Second up?" not in live and "First up?" in live


def test_the_presenter_page_and_its_live_part_share_who_may_see_them(app) -> None:
    partner = make_user(Role.PARTNER)
    event = qa_event(host=partner.organisation)
    approved(event, "Shown on both?")
    client = app.test_client()
    login(client, partner)
    page_url, live_url = f"{_admin(event)}/presenter", f"{_admin(event)}/presenter/live"
    assert client.get(page_url).status_code == 403
    assert client.get(live_url).status_code == 403
    event.partner_moderates = True
    db.session.commit()
    page, live = client.get(page_url), client.get(live_url)
    assert page.status_code == live.status_code == 200
    assert "Shown on both?" in page.text and "Shown on both?" in live.text
    assert "<html" in page.text and "<html" not in live.text
    missing = f"/admin/events/{event.id + 1000}/questions/presenter"
    assert client.get(missing).status_code == client.get(f"{missing}/live").status_code == 404


def test_organisers_change_the_settings(client) -> None:
    event = qa_event()
    login(client, make_user(Role.ORGANISER))
    response = client.post(
        f"{_admin(event)}/settings",
        data={"enabled": "y", "askers": "anyone", "public_list": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert event.qa_askers == QuestionAskers.ANYONE
    assert event.qa_public_list is True
    assert event.partner_moderates is False


def test_export_only_after_the_event(client) -> None:
    event = qa_event()
    approved(event)
    login(client, make_user(Role.ORGANISER))
    assert client.get(f"{_admin(event)}.csv").status_code == 409
    assert "Download the questions" not in client.get(_admin(event)).text


# --- rate limits (one process, memory storage) -------------------------------------------------


@pytest.fixture
def limited_app(tmp_path):
    app = make_test_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QUESTION_RATE_LIMIT="3 per 10 minutes",
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_ticket_can_ask_a_few_questions_then_gets_a_friendly_429(limited_app) -> None:
    event = qa_event()
    registration, other = make_registration(event), make_registration(event)
    client = limited_app.test_client()
    statuses = [
        client.post(f"{_ticket(registration)}/questions/ask", data={"body": f"Q{n}?"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 302]
    refused = client.post(f"{_ticket(registration)}/questions/ask", data={"body": "One more?"})
    assert refused.status_code == 429
    assert "Too many tries" in refused.text
    assert "Please wait a few minutes" in refused.text
    assert len(_questions(event)) == 3
    # The limit is per ticket: another ticket from the same address can still ask.
    assert client.post(f"{_ticket(other)}/questions/ask", data={"body": "Mine?"}).status_code == 302


def test_where_anyone_may_ask_the_limit_is_per_address(limited_app) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    url = f"/events/{event.slug}/questions/ask"
    first = limited_app.test_client()
    for n in range(3):
        assert first.post(url, data={"body": f"Q{n}?"}).status_code == 302
    # A fresh browser (no cookie) from the same address is still limited.
    assert limited_app.test_client().post(url, data={"body": "More?"}).status_code == 429
    other_address = limited_app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert other_address.post(url, data={"body": "Me?"}).status_code == 302


def test_votes_without_a_ticket_are_limited_per_address(limited_app) -> None:
    event = qa_event(capacity=None, qa_askers=QuestionAskers.ANYONE, qa_public_list=True)
    questions = [approved(event, f"Q{n}?") for n in range(31)]
    statuses = [
        limited_app.test_client()
        .post(f"/events/{event.slug}/questions/{question.id}/vote")
        .status_code
        for question in questions
    ]
    assert statuses == [302] * 30 + [429]


def test_an_event_page_with_this_browsers_questions_is_not_cached(client) -> None:
    event = qa_event(qa_askers=QuestionAskers.ANYONE)
    assert "Mine?" not in client.get(f"/events/{event.slug}").text
    client.post(f"/events/{event.slug}/questions/ask", data={"body": "Mine?"})
    response = client.get(f"/events/{event.slug}")
    assert "Mine?" in response.text
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]


def test_the_asker_and_the_public_see_when_the_moderators_changed_the_words(client) -> None:
    event = qa_event(qa_public_list=True)
    asker = make_registration(event)
    client.post(f"{_ticket(asker)}/questions/ask", data={"body": "Is it ok to ask, I'm 17?"})
    client.post(f"{_ticket(asker)}/questions/ask", data={"body": "What do engineers earn?"})
    edited, kept = sorted(_questions(event), key=lambda question: question.id)
    login(client, make_user(Role.ORGANISER))
    client.post(
        f"{_admin(event)}/{edited.id}/edit", data={"body": "Is it ok to ask?", "approve": "1"}
    )
    services.approve_question(kept, actor=make_user(Role.ORGANISER), now=utcnow())
    db.session.commit()
    client.post("/sign-out")

    def shown(page: str, words: str) -> str:
        # The meta line after the question's words.
        start = page.index(words)
        return page[start : page.index("</li>", start)]

    mine = client.get(_ticket(asker)).text
    assert "edited by the moderators" in shown(mine, "Is it ok to ask?")
    assert "edited by the moderators" not in shown(mine, "What do engineers earn?")
    public = client.get(f"/events/{event.slug}").text
    assert "edited by the moderators" in shown(public, "Is it ok to ask?")
    assert "edited by the moderators" not in shown(public, "What do engineers earn?")
