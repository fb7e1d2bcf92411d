"""The message screens: send now or later, change or cancel what waits, templates, history."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import EventMessage, EventMessageState, MessageTemplate
from nclw.registrations.scheduled_messages import send_due_messages
from nclw.timezones import to_uk, utcnow
from tests.conftest import login
from tests.support.html_validation import assert_valid_pages


def _uk(moment) -> str:
    return to_uk(moment).strftime("%Y-%m-%dT%H:%M")


def _later(week) -> dict:
    send_at = week.event.starts_at - timedelta(days=1)
    return {
        "audience": "confirmed",
        "subject": "Tomorrow",
        "body": "See you tomorrow, {first_name}.",
        "when": "later",
        "send_at": _uk(send_at),
    }


def _messages() -> list[EventMessage]:
    return list(db.session.scalars(sa.select(EventMessage).order_by(EventMessage.id)))


def test_set_a_message_to_go_later_then_it_goes_from_the_history(organiser_client, week):
    url = f"/admin/events/{week.event.id}/message"
    data = _later(week)
    preview = organiser_client.post(url, data={**data, "action": "preview"})
    assert preview.status_code == 200
    assert b"See you tomorrow, Ava." in preview.data
    assert b"Set it to go" in preview.data
    done = organiser_client.post(url, data={**data, "confirmed": "yes", "action": "send"})
    assert done.status_code == 302
    assert done.location.endswith(f"/admin/events/{week.event.id}/messages")
    (message,) = _messages()
    assert message.state == EventMessageState.SCHEDULED
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0

    history = organiser_client.get(done.location)
    assert b"Waiting to go" in history.data and b"Tomorrow" in history.data
    assert b"Set by" in history.data and week.organiser.name.encode() in history.data

    send_due_messages(now=message.send_at)
    history = organiser_client.get(done.location)
    assert b"1 email: 0 sent, 1 waiting to go" in history.data
    assert b"at the time it was set for" in history.data


def test_a_time_in_the_past_or_a_bad_placeholder_is_a_400_with_words(organiser_client, week):
    url = f"/admin/events/{week.event.id}/message"
    past = {**_later(week), "send_at": _uk(utcnow() - timedelta(hours=1)), "action": "preview"}
    refused = organiser_client.post(url, data=past)
    assert refused.status_code == 400
    assert b"Choose a time in the future" in refused.data
    unknown = {**_later(week), "body": "Dear {surname}", "action": "preview"}
    refused = organiser_client.post(url, data=unknown)
    assert refused.status_code == 400
    assert b"{surname} is not a placeholder we can fill in" in refused.data
    no_time = {**_later(week), "send_at": "", "action": "preview"}
    refused = organiser_client.post(url, data=no_time)
    assert refused.status_code == 400
    assert b"Enter when the message should go" in refused.data
    nonsense = organiser_client.post(url, data={**_later(week), "audience": "x", "when": "soon"})
    assert nonsense.status_code == 400
    assert _messages() == []


def test_change_then_cancel_a_waiting_message(organiser_client, week):
    url = f"/admin/events/{week.event.id}/message"
    organiser_client.post(url, data={**_later(week), "confirmed": "yes", "action": "send"})
    (message,) = _messages()
    edit = f"/admin/events/{week.event.id}/messages/{message.id}/edit"
    page = organiser_client.get(edit)
    assert page.status_code == 200
    # The form shows the waiting time in its day, month, year and time boxes.
    waiting = to_uk(message.send_at)
    for name, value in [
        ("send_at-day", waiting.day),
        ("send_at-month", waiting.month),
        ("send_at-year", waiting.year),
        ("send_at-time", f"{waiting:%H:%M}"),
    ]:
        assert f'name="{name}" type="text"'.encode() in page.data
        assert re.search(rf'name="{name}" type="text"[^>]*value="{value}"'.encode(), page.data)
    new_time = (week.event.starts_at - timedelta(hours=3)).replace(second=0)
    changed = organiser_client.post(
        edit,
        data={
            "audience": "all",
            "subject": "Changed",
            "body": "New words",
            "send_at": _uk(new_time),
        },
    )
    assert changed.status_code == 302
    db.session.refresh(message)
    assert (message.subject, message.audience, message.send_at) == ("Changed", "all", new_time)

    cancel = f"/admin/events/{week.event.id}/messages/{message.id}/cancel"
    assert organiser_client.get(cancel).status_code == 405
    organiser_client.post(cancel)
    db.session.refresh(message)
    assert message.state == EventMessageState.CANCELLED
    history = organiser_client.get(f"/admin/events/{week.event.id}/messages")
    assert b"Cancelled (was to go" in history.data
    # Gone: its edit page leads back to the history, and a change is not taken.
    assert organiser_client.get(edit).status_code == 302


def test_a_message_of_another_event_is_not_found(organiser_client, week):
    from tests.factories import make_event

    organiser_client.post(
        f"/admin/events/{week.event.id}/message",
        data={**_later(week), "confirmed": "yes", "action": "send"},
    )
    (message,) = _messages()
    other = make_event()
    assert (
        organiser_client.get(f"/admin/events/{other.id}/messages/{message.id}/edit").status_code
        == 404
    )


def test_save_pick_change_and_delete_a_template(organiser_client, week):
    # "Save as a template" on the message page brings its words to the template form.
    from_message = organiser_client.post(
        "/admin/message-templates/new",
        data={"action": "from_message", "subject": "Doors open", "body": "Hi {first_name}"},
    )
    assert from_message.status_code == 200
    assert b'value="Doors open"' in from_message.data
    assert db.session.scalar(sa.select(sa.func.count(MessageTemplate.id))) == 0
    saved = organiser_client.post(
        "/admin/message-templates/new",
        data={"name": "Doors", "subject": "Doors open", "body": "Hi {first_name}"},
    )
    assert saved.status_code == 302
    template = db.session.scalar(sa.select(MessageTemplate))

    page = organiser_client.get(
        f"/admin/events/{week.event.id}/message", query_string={"template": template.id}
    )
    assert b'value="Doors open"' in page.data and b"Hi {first_name}</textarea>" in page.data

    bad = organiser_client.post(
        f"/admin/message-templates/{template.id}/edit",
        data={"name": "Doors", "subject": "Doors open", "body": "Hi {nickname}"},
    )
    assert bad.status_code == 400 and b"{nickname} is not a placeholder" in bad.data
    organiser_client.post(f"/admin/message-templates/{template.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(MessageTemplate.id))) == 0
    listing = organiser_client.get("/admin/message-templates")
    assert b"There are no saved templates yet." in listing.data
    log = organiser_client.get("/admin/audit").get_data(as_text=True)
    for words in ("saved a message template", "deleted a message template", "Doors"):
        assert words in log


def test_only_organisers_reach_the_message_screens(client, week):
    login(client, week.partner)
    for url in (
        f"/admin/events/{week.event.id}/messages",
        "/admin/message-templates",
        "/admin/message-templates/new",
    ):
        assert client.get(url).status_code == 403


@pytest.mark.slow  # the Nu HTML checker is a Java program started per call
def test_message_pages_are_valid_and_csp_clean(organiser_client, week):
    url = f"/admin/events/{week.event.id}/message"
    organiser_client.post(url, data={**_later(week), "confirmed": "yes", "action": "send"})
    organiser_client.post(
        url, data={**_later(week), "when": "now", "confirmed": "yes", "action": "send"}
    )
    organiser_client.post(
        "/admin/message-templates/new", data={"name": "Doors", "subject": "S", "body": "B"}
    )
    (message, _) = _messages()
    template = db.session.scalar(sa.select(MessageTemplate))
    pages = {
        "message": organiser_client.get(url),
        "message-preview-later": organiser_client.post(
            url, data={**_later(week), "action": "preview"}
        ),
        "message-errors": organiser_client.post(
            url, data={**_later(week), "send_at": "", "action": "preview"}
        ),
        "messages": organiser_client.get(f"/admin/events/{week.event.id}/messages"),
        "message-edit": organiser_client.get(
            f"/admin/events/{week.event.id}/messages/{message.id}/edit"
        ),
        "templates": organiser_client.get("/admin/message-templates"),
        "template-edit": organiser_client.get(f"/admin/message-templates/{template.id}/edit"),
        "template-errors": organiser_client.post("/admin/message-templates/new", data={}),
    }
    assert_valid_pages(pages)
