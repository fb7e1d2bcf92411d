"""The supporter questions on the sign-up form, and adding or removing one on the ticket page."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.registrations.supporter_models import Supporter
from tests.factories import make_event, make_registration


def _sign_up(client, event, **fields):
    data = {"first_name": "Jordan", "email": "jordan@example.com", **fields}
    return client.post(f"/events/{event.slug}/register", data=data)


def _ticket(event) -> Registration:
    return db.session.scalar(sa.select(Registration).where(Registration.event_id == event.id))


def test_the_form_asks_about_a_supporter_only_where_the_event_allows_one(client):
    assert "supporter_role" not in client.get(f"/events/{make_event().slug}/register").text
    event = make_event(supporters_allowed=True)
    page = client.get(f"/events/{event.slug}/register").text
    assert "Bring a supporter (optional)" in page
    assert "age and care experience rules are for you, not for them" in page
    assert 'value="interpreter"' in page


def test_signing_up_with_a_supporter_takes_two_places(client):
    event = make_event(capacity=5, supporters_allowed=True)
    response = _sign_up(client, event, supporter_first_name="Jo", supporter_role="carer")
    assert response.status_code == 200 and "Check your email" in response.text
    ticket = _ticket(event)
    assert ticket.supporter.first_name == "Jo" and ticket.supporter.role == "carer"
    db.session.refresh(event)
    assert event.confirmed_count == 2


def test_a_name_without_a_role_is_a_clear_400(client):
    event = make_event(supporters_allowed=True)
    response = _sign_up(client, event, supporter_first_name="Jo")
    assert response.status_code == 400
    assert "Choose who your supporter is" in response.text
    response = _sign_up(client, event, supporter_role="carer")
    assert response.status_code == 400
    assert "Enter your supporter&#39;s first name" in response.text
    response = _sign_up(client, event, supporter_first_name="Jo", supporter_role="boss")
    assert response.status_code == 400
    assert _ticket(event) is None


def test_a_supporter_posted_to_an_event_without_them_is_ignored(client):
    event = make_event()
    _sign_up(client, event, supporter_first_name="Jo", supporter_role="carer")
    assert db.session.scalar(sa.select(sa.func.count(Supporter.id))) == 0


def test_remove_asks_first_then_frees_the_place(client):
    event = make_event(capacity=2, supporters_allowed=True)
    holder = make_registration(event)
    db.session.add(Supporter(registration=holder, first_name="Jo", role="friend"))
    event.confirmed_count += 1
    db.session.commit()
    waiting = make_registration(event, status="waiting")
    ticket = client.get(f"/tickets/{holder.link_token}").text
    assert "Jo (friend) is coming with you" in ticket
    page = client.get(f"/tickets/{holder.link_token}/supporter/remove")
    assert page.status_code == 200 and "Yes, remove my supporter" in page.text
    db.session.refresh(holder)
    assert holder.supporter is not None  # a GET changes nothing
    response = client.post(f"/tickets/{holder.link_token}/supporter/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert holder.supporter is None and waiting.is_confirmed
    assert "no longer on your ticket" in client.get(f"/tickets/{holder.link_token}").text


def test_add_later_when_a_place_is_free_and_a_clear_refusal_when_not(client):
    event = make_event(capacity=2, supporters_allowed=True)
    holder = make_registration(event)
    assert "Add a supporter" in client.get(f"/tickets/{holder.link_token}").text
    response = client.post(
        f"/tickets/{holder.link_token}/supporter/add",
        data={"supporter_first_name": "Ash", "supporter_role": "interpreter"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert holder.supporter.first_name == "Ash"
    other = make_registration(event, status="waiting")
    db.session.refresh(event)
    event.capacity = 3
    make_registration(event)
    response = client.post(
        f"/tickets/{other.link_token}/supporter/add", data={"supporter_role": "carer"}
    )
    assert response.status_code == 400
    assert "Enter your supporter" in response.text


def test_no_free_place_for_a_supporter_is_a_400_with_the_reason(client):
    event = make_event(capacity=1, supporters_allowed=True)
    holder = make_registration(event)
    response = client.post(
        f"/tickets/{holder.link_token}/supporter/add",
        data={"supporter_first_name": "Ash", "supporter_role": "friend"},
    )
    assert response.status_code == 400
    assert "There is no free place for a supporter just now" in response.text
    db.session.expire_all()
    assert holder.supporter is None and event.confirmed_count == 1


def test_an_event_without_supporters_offers_none_on_the_ticket(client):
    holder = make_registration(make_event())
    assert "Add a supporter" not in client.get(f"/tickets/{holder.link_token}").text
    response = client.get(f"/tickets/{holder.link_token}/supporter/add")
    assert response.status_code == 302


def test_the_event_page_and_an_offer_for_a_pair_mention_the_supporter(client):
    event = make_event(capacity=2, supporters_allowed=True, offers_expire=True)
    assert "You can bring one supporter" in client.get(f"/events/{event.slug}").text
    assert "You can bring one supporter" not in client.get(f"/events/{make_event().slug}").text
    holder = make_registration(event)
    pair = make_registration(event, status="waiting")
    db.session.add(Supporter(registration=pair, first_name="Jo", role="carer"))
    db.session.commit()
    assert client.post(f"/tickets/{holder.link_token}/cancel").status_code == 302
    db.session.expire_all()
    assert pair.is_offered and event.confirmed_count == 2  # the offer holds both places
    page = client.get(f"/tickets/{pair.link_token}/offer").text
    assert "We are keeping a place for your supporter too, Jo." in page
