"""The booking pages: the form without JavaScript, the result, the professional's own page,
and what organisers see of who booked for whom."""

from __future__ import annotations

import re

import sqlalchemy as sa

from nclw.events.models import Audience
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.registrations.models import Booking, Registration
from tests.factories import make_event, make_registration

ADVISER = {
    "name": "Jo Bell",
    "email": "jo.bell@luton.example.gov.uk",
    "organisation": "Luton Council",
    "role": "Personal adviser",
}


def _form(*people, declared=True, rows=5, **extra) -> dict:
    data = {**ADVISER, **extra}
    for n in range(rows):
        name, email = people[n] if n < len(people) else ("", "")
        data[f"young_people-{n}-first_name"] = name
        data[f"young_people-{n}-email"] = email
    if declared:
        data["declared"] = "y"
    return data


def _book(client, event, *people, **extra):
    return client.post(f"/events/{event.slug}/book-for-young-people", data=_form(*people, **extra))


def _summary_link() -> str:
    summary = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "booking_summary")
    )
    return re.search(r"http://nclw\.test(/bookings/\S+)", summary.text_body)[1]


def test_the_event_page_offers_booking_for_young_people_but_not_on_professionals_events(client):
    event = make_event()
    assert "Booking for young people you support?" in client.get(f"/events/{event.slug}").text
    professionals = make_event(audience=Audience.PROFESSIONALS)
    assert "Booking for young people" not in client.get(f"/events/{professionals.slug}").text
    assert client.get(f"/events/{professionals.slug}/book-for-young-people").status_code == 404
    assert client.get("/events/no-such-event/book-for-young-people").status_code == 404


def test_the_form_has_five_rows_and_add_more_rows_shows_five_more_keeping_what_was_typed(client):
    event = make_event(min_age=18)
    page = client.get(f"/events/{event.slug}/book-for-young-people").text
    assert page.count('name="young_people-') == 10  # a name and an email for each of 5
    assert "Everyone I am booking for is aged 18 and over." in page
    response = client.post(
        f"/events/{event.slug}/book-for-young-people",
        data={**_form(("Amir", "")), "add_rows": "Add more rows"},
    )
    assert response.status_code == 200
    assert response.text.count('name="young_people-') == 20
    assert 'value="Amir"' in response.text and "There is a problem" not in response.text
    more = client.post(
        f"/events/{event.slug}/book-for-young-people",
        data={**_form(("Amir", ""), rows=10), "add_rows": "Add more rows"},
    )
    assert more.text.count('name="young_people-') == 20  # 10 is the most
    assert "Add more rows" not in more.text
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_a_booking_that_runs_out_of_places_says_so_plainly(client):
    event = make_event(capacity=2)
    response = _book(client, event, ("Amir", ""), ("Bea", ""), ("Cal", ""))
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "2 young people have a place. 1 is on the waiting list" in text
    assert "Cal</td>" in text and "On the waiting list" in text
    assert ADVISER["email"] in text


def test_the_same_page_whether_or_not_a_young_persons_address_had_a_ticket(client):
    event = make_event()
    make_registration(event, email="kai@example.com")
    had = _book(client, event, ("Kai", "kai@example.com"))
    new = _book(client, event, ("Lou", "lou@example.com"))
    assert had.status_code == new.status_code == 200

    def shown(response):
        return re.sub(r"\s+", " ", response.text)

    assert shown(had) == shown(new)


def test_bad_input_is_a_clear_400_and_nothing_is_booked(client):
    event = make_event()
    response = _book(client, event, ("", "sam@example.com"), declared=False)
    assert response.status_code == 400
    assert "Enter the first name of the young person with this email" in response.text
    assert "Confirm that everyone meets the rules" in response.text
    nobody = _book(client, event)
    assert nobody.status_code == 400
    assert "Enter the first name of at least one young person" in nobody.text
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_the_summary_link_lists_the_tickets_and_cancels_one_by_one(client):
    event = make_event(capacity=1)
    _book(client, event, ("Amir", ""), ("Bea", ""), ("Cyrus", "cyrus@example.com"))
    link = _summary_link()
    page = client.get(link).text
    assert "Amir" in page and "Bea" in page and "Cyrus" not in page
    amir, bea = db.session.scalars(
        sa.select(Registration).where(Registration.email == ADVISER["email"]).order_by("id")
    ).all()
    response = client.post(f"{link}/tickets/{amir.reference}/cancel", follow_redirects=True)
    assert f"Ticket {amir.reference} is cancelled" in response.text
    db.session.refresh(amir)
    db.session.refresh(bea)
    assert (amir.status, bea.status) == ("cancelled", "confirmed")
    # Another ticket's reference, or a link that is not one, finds nothing.
    other = make_registration(event, status="waiting")
    client.post(f"{link}/tickets/{other.reference}/cancel")
    db.session.refresh(other)
    assert other.status == "waiting"
    assert client.get("/bookings/not-a-real-link").status_code == 404
    assert client.get(f"{link}/tickets/{amir.reference}/cancel").status_code == 405
